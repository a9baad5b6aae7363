import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';

export const WebhookInputSchema = Type.Object(
  { url: Type.String({ minLength: 8, maxLength: 2048, description: 'HTTPS URL on a public host (others only when TESSERA_WEBHOOK_ALLOWED_HOSTS names the host)' }) },
  { additionalProperties: false },
);

export const WebhookSchema = Type.Object({
  organisationId: UuidSchema,
  url: Type.String(),
  createdAt: DateTimeSchema,
  secret: Type.Optional(Type.String({ description: 'Standard Webhooks signing secret (whsec_…); shown only when set' })),
});

export const DeliverySchema = Type.Object({
  id: UuidSchema,
  alertId: UuidSchema,
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: DateTimeSchema,
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTimeSchema,
  deliveredAt: Type.Union([DateTimeSchema, Type.Null()]),
});

export type WebhookInput = Static<typeof WebhookInputSchema>;
export type WebhookView = Static<typeof WebhookSchema>;
