import { Type, type TSchema } from 'typebox';

/** Schemas shared by several features. */

export const UuidSchema = Type.String({ format: 'uuid', description: 'UUID' });

export const DateTimeSchema = Type.String({ format: 'date-time', description: 'RFC 3339 date-time' });

/** Query bound: an RFC 3339 date-time, or a date meaning that whole day (UTC). */
export const InstantQuerySchema = Type.String({
  minLength: 10,
  maxLength: 40,
  description: 'RFC 3339 date-time, or YYYY-MM-DD (a `to` date includes that whole day, UTC)',
});

export const CursorSchema = Type.String({ minLength: 1, maxLength: 512, description: 'Opaque cursor from `nextCursor`' });

export const FieldErrorSchema = Type.Object({
  field: Type.String(),
  pointer: Type.String(),
  in: Type.String(),
  detail: Type.String(),
});

/** RFC 9457 problem details, the shape of every error but the token endpoint's. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.String(),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

/** A paginated list: `{items, nextCursor}`. */
export function ListSchema<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/** Error answers every authenticated route may give, for the OpenAPI document. */
export const authErrors = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  429: Type.Ref('Problem'),
};

export const LimitSchema = Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (1–500, default 50)' });
