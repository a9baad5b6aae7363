import { Type, type Static } from 'typebox';
import { DateTimeSchema, InstantQuerySchema, UuidSchema } from '../../core/schemas.js';
import { MeaningfulChangeSchema } from '../catalogue/model.js';

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });

export const TrendQuerySchema = Type.Object(
  {
    type: Code,
    item: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Instruments reported per item (ONS4): which item' })),
    component: Type.Optional(Code),
    goalId: Type.Optional(UuidSchema),
    from: Type.Optional(InstantQuerySchema),
    to: Type.Optional(InstantQuerySchema),
  },
  { additionalProperties: false },
);

const PointSchema = Type.Object({
  at: DateTimeSchema,
  score: Type.Number(),
  band: Type.Union([Type.String(), Type.Null()]),
  recordId: UuidSchema,
});

export const TrendSchema = Type.Object({
  type: Type.String(),
  item: Type.Optional(Type.Integer()),
  component: Type.Optional(Type.String()),
  goalId: Type.Optional(UuidSchema),
  points: Type.Array(PointSchema, { description: 'Oldest first' }),
  baseline: Type.Union([PointSchema, Type.Null()], { description: 'The first point' }),
  latest: Type.Union([PointSchema, Type.Null()], { description: 'The last point' }),
  change: Type.Union([Type.Number(), Type.Null()], { description: 'latest − baseline; null with fewer than two points' }),
  direction: Type.Union([Type.Literal('better'), Type.Literal('worse'), Type.Literal('same'), Type.Null()], {
    description: 'Which way the change went, by the instrument’s direction of improvement; null where it has none',
  }),
  meaningful: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'Whether |change| reaches the published meaningful change; null where none is published or with fewer than two points',
  }),
  meaningfulChange: Type.Union([MeaningfulChangeSchema, Type.Null()]),
});

export type TrendQuery = Static<typeof TrendQuerySchema>;
export type Trend = Static<typeof TrendSchema>;
