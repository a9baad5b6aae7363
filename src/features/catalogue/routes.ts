import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { purposes } from '../grants/purposes.js';
import { CategorySchema, TypeDefSchema } from './model.js';

const catalogueRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  // Short: organisations publish measures of their own (docs/outcomes.md "Bespoke measures").
  const cacheable = 'public, max-age=60';

  app.get(
    '/v1/catalogue/categories',
    {
      config: { auth: 'public' },
      schema: { tags: ['catalogue'], summary: 'Categories: the slice dimensions', response: { 200: Type.Object({ items: Type.Array(CategorySchema) }) } },
    },
    async (_request, reply) => {
      reply.header('cache-control', cacheable);
      return { items: deps.catalogue.categories };
    },
  );

  app.get(
    '/v1/catalogue/types',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['catalogue'],
        summary: 'Record types: instruments with scoring, measures with units, goals and notes',
        response: { 200: Type.Object({ items: Type.Array(TypeDefSchema) }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', cacheable);
      return { items: deps.catalogue.types };
    },
  );

  app.get(
    '/v1/catalogue/purposes',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['catalogue'],
        summary: 'Coded purposes a grant or access request may name',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), description: Type.String() })) }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', cacheable);
      return { items: [...purposes] };
    },
  );
};

export default catalogueRoutes;
