import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';

export const WatchInputSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64, description: 'A type your read grant covers' }),
    field: Type.Optional(Type.String({ maxLength: 64, description: '`score`, `value`, `progress` or a component (`systolic`, `diastolic`)' })),
    op: Type.Optional(
      Type.Union([Type.Literal('lt'), Type.Literal('le'), Type.Literal('gt'), Type.Literal('ge'), Type.Literal('drop-by'), Type.Literal('rise-by')], {
        description: 'Comparison with threshold; `drop-by`/`rise-by`: change since the previous record of the type is at least threshold',
      }),
    ),
    threshold: Type.Optional(Type.Number({ minimum: -1e9, maximum: 1e9 })),
    flag: Type.Optional(Type.String({ maxLength: 64, description: 'A flag the type raises, e.g. `self-harm-risk`' })),
  },
  { additionalProperties: false },
);

export const WatchSchema = Type.Object({
  id: UuidSchema,
  subjectId: UuidSchema,
  watcher: Type.Object({
    accountId: UuidSchema,
    organisationId: Type.Union([UuidSchema, Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  type: Type.String(),
  field: Type.Optional(Type.String()),
  op: Type.Optional(Type.String()),
  threshold: Type.Optional(Type.Number()),
  flag: Type.Optional(Type.String()),
  createdAt: DateTimeSchema,
  active: Type.Boolean({ description: 'Whether a read grant of the watcher still covers it; inactive watches raise nothing' }),
});

export const WatchListSchema = Type.Object({ items: Type.Array(WatchSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export type WatchInput = Static<typeof WatchInputSchema>;
export type WatchView = Static<typeof WatchSchema>;
