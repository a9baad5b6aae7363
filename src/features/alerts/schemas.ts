import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';

export const AlertSchema = Type.Object({
  id: UuidSchema,
  kind: Type.Union([Type.Literal('match'), Type.Literal('watch-removed'), Type.Literal('escalated')], {
    description: '`watch-removed`: the person deleted your watch; `escalated`: a colleague’s match no one acknowledged in time',
  }),
  watchId: UuidSchema,
  subjectId: UuidSchema,
  recordId: Type.Union([UuidSchema, Type.Null()]),
  type: Type.String(),
  at: DateTimeSchema,
  matched: Type.Record(Type.String(), Type.Unknown(), { description: 'What matched; empty once no grant of yours covers it any more' }),
  ackedAt: Type.Union([DateTimeSchema, Type.Null()]),
  escalatedAt: Type.Union([DateTimeSchema, Type.Null()], { description: 'When this match, unacknowledged, was escalated to your organisation' }),
  escalatedFrom: Type.Union([UuidSchema, Type.Null()], { description: 'On an escalated alert: the colleague’s alert it came from' }),
  subjectName: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'In your feed: the person’s display name, if one of your active grants on them shares it' }),
  ),
});

export const AlertListSchema = ListSchema(AlertSchema);

export const AlertQuerySchema = Type.Object(
  {
    unacked: Type.Optional(Type.Boolean({ description: 'Only alerts not yet acknowledged' })),
    cursor: Type.Optional(CursorSchema),
    limit: Type.Optional(LimitSchema),
  },
  { additionalProperties: false },
);

export type AlertView = Static<typeof AlertSchema>;
