import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, InstantQuerySchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';

export const LogEntrySchema = Type.Object({
  id: UuidSchema,
  seq: Type.Integer({ description: 'Position in this person’s chain, from 1' }),
  at: DateTimeSchema,
  actor: Type.Object({
    accountId: Type.Union([UuidSchema, Type.Null()]),
    organisationId: Type.Union([UuidSchema, Type.Null()]),
    kind: Type.String(),
  }),
  onBehalfOf: Type.Optional(
    Type.Object({ accountId: UuidSchema }, { description: 'When the actor was your delegate: the account they acted for (yours)' }),
  ),
  action: Type.String(),
  grantIds: Type.Array(UuidSchema),
  recordIds: Type.Array(UuidSchema),
  query: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String({ description: 'SHA-256 over the previous hash and this entry’s canonical JSON' }),
  prevHash: Type.Union([Type.String(), Type.Null()]),
});

export const LogListSchema = ListSchema(LogEntrySchema);

export const LogQuerySchema = Type.Object(
  {
    actor: Type.Optional(UuidSchema),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(InstantQuerySchema),
    to: Type.Optional(InstantQuerySchema),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'Oldest first unless desc' })),
    cursor: Type.Optional(CursorSchema),
    limit: Type.Optional(LimitSchema),
  },
  { additionalProperties: false },
);

export type LogEntryView = Static<typeof LogEntrySchema>;
export type LogQuery = Static<typeof LogQuerySchema>;

export const CheckpointSchema = Type.Object({
  subjectId: UuidSchema,
  seq: Type.Integer({ description: 'The position of the head entry' }),
  hash: Type.String({ description: 'The head entry’s hash' }),
  at: DateTimeSchema,
  checkpoint: Type.String({ description: 'Compact JWS over subjectId, seq and hash' }),
});
