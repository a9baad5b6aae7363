import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { Type } from 'typebox';
import type { Actor } from '../core/actor.js';
import { Layout, type Chrome } from './views/layout.js';
import type { ComponentChildren } from 'preact';

/**
 * Pages are rendered on the server by Preact, whose renderer escapes every text and attribute
 * value: user text never reaches the page as markup.
 */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html>${render(page)}`);
}

/** A page in the app's frame. */
export function Page({ chrome, children }: { chrome: Chrome; children: ComponentChildren }) {
  return <Layout chrome={chrome}>{children}</Layout>;
}

/** @returns the frame of a page for this request */
export function chromeOf(request: FastifyRequest, title: string, notice?: string): Chrome {
  return { title, actor: request.actor as Actor | null, path: request.url.split('?')[0]!, notice, extras: request.appChrome ?? undefined };
}

/** Form fields arrive as text, or as a list when a name repeats (checkboxes). */
const FormValue = Type.Union([Type.String({ maxLength: 20_000 }), Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 64 })]);

/** A form body: named fields, each text or a list of text. What they mean is checked later, by the API's own schemas. */
export function FormSchema(names: string[]) {
  return Type.Object(Object.fromEntries(names.map((n) => [n, Type.Optional(FormValue)])), { additionalProperties: false });
}

export type FormBody = Record<string, string | string[] | undefined>;

/** @returns a form field as one string ('' when absent) */
export function text(body: FormBody, name: string): string {
  const v = body[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

/** @returns a form field as a list (checkboxes) */
export function list(body: FormBody, name: string): string[] {
  const v = body[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Schema for app pages that take no query; those that do declare theirs. */
export const NoQuery = Type.Object({}, { additionalProperties: false });
