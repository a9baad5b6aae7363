import { Type, type Static } from 'typebox';
import { MeaningfulChangeSchema } from '../catalogue/model.js';

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Month = Type.String({ pattern: '^(19|20)\\d\\d-(0[1-9]|1[0-2])$', description: 'A calendar month, YYYY-MM (UTC)' });

export const MeasureSchema = Type.Union(
  [Type.Literal('count'), Type.Literal('mean'), Type.Literal('change'), Type.Literal('meaningful-change'), Type.Literal('goal-attainment')],
  { description: 'What each cell holds (docs/outcomes.md "Measures")' },
);

export const GroupBySchema = Type.Union([Type.Literal('month'), Type.Literal('band'), Type.Literal('source-organisation')]);

export const OutcomesQuerySchema = Type.Object(
  {
    type: Code,
    measure: MeasureSchema,
    from: Type.Optional(Month),
    to: Type.Optional(Month),
    groupBy: Type.Optional(Type.Array(GroupBySchema, { uniqueItems: true, maxItems: 3 })),
    item: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Instruments reported per item (ONS4): which item' })),
    component: Type.Optional(Code),
  },
  { additionalProperties: false },
);

const GroupSchema = Type.Object({
  month: Type.Optional(Type.String()),
  band: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  sourceOrganisationId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'null: entered by the person themselves' })),
});

export const OutcomesAnswerSchema = Type.Object({
  type: Type.String(),
  measure: MeasureSchema,
  from: Type.String({ description: 'First month of the window' }),
  to: Type.String({ description: 'Last month of the window' }),
  groupBy: Type.Array(GroupBySchema),
  item: Type.Optional(Type.Integer()),
  component: Type.Optional(Type.String()),
  meaningfulChange: Type.Union([MeaningfulChangeSchema, Type.Null()]),
  cells: Type.Array(
    Type.Object({
      group: GroupSchema,
      n: Type.Union([Type.Integer(), Type.Null()], { description: 'People, rounded to the nearest 5; null when suppressed' }),
      suppressed: Type.Boolean({ description: 'Fewer than 8 people' }),
      value: Type.Union([Type.Number(), Type.Null()], { description: 'Records (count), mean, or share of people (0–1)' }),
    }),
  ),
  total: Type.Object({ n: Type.Integer(), value: Type.Union([Type.Number(), Type.Null()]) }, { description: 'Made from the shown cells only' }),
  disclosureControl: Type.Object({
    minimumCell: Type.Integer(),
    rounding: Type.Integer(),
    suppressedCells: Type.Integer(),
    rules: Type.String(),
  }),
});

export type OutcomesQuery = Static<typeof OutcomesQuerySchema>;
export type OutcomesAnswer = Static<typeof OutcomesAnswerSchema>;
export type Group = Static<typeof GroupSchema>;
