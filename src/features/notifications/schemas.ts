import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';

export const NotificationSchema = Type.Object(
  {
    id: UuidSchema,
    kind: Type.String({
      description:
        '`access-request`, `referral`, `referral-decided`, `emergency-access`, `emergency-access-flagged`, `grant-expiring`, `dispute-opened`, `dispute-resolved`, `watch-created`',
    }),
    at: DateTimeSchema,
    subjectId: Type.Union([UuidSchema, Type.Null()]),
    readAt: Type.Union([DateTimeSchema, Type.Null()]),
  },
  { additionalProperties: true, description: 'Besides these, the ids the notice is about (requestId, grantId, referralId, disputeId, watchId…)' },
);

export const NotificationListSchema = ListSchema(NotificationSchema);

export const NotificationQuerySchema = Type.Object(
  { unread: Type.Optional(Type.Boolean()), cursor: Type.Optional(CursorSchema), limit: Type.Optional(LimitSchema) },
  { additionalProperties: false },
);

export type NotificationView = Static<typeof NotificationSchema> & Record<string, unknown>;
