import { Type, type Static } from 'typebox';

/**
 * The shape of the outcomes catalogue, as schemas: the same definitions type the data files
 * and describe the API's answers. The catalogue is data: adding a type or an instrument
 * means adding an entry, never a code path (docs/outcomes.md "Bespoke measures").
 */

const CodeSchema = Type.Object({
  system: Type.Union([Type.Literal('http://loinc.org'), Type.Literal('http://snomed.info/sct')]),
  code: Type.String(),
  display: Type.String(),
});

const CodesSchema = Type.Object({ loinc: Type.Optional(CodeSchema), snomed: Type.Optional(CodeSchema) });

/** A slice dimension from the Open Outcomes map, plus `goals` and `notes`. */
export const CategorySchema = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
    description: Type.String(),
    domain: Type.String({ description: 'The Open Outcomes domain the category belongs to' }),
  },
  { $id: 'Category' },
);

/** An inclusive score range with a code, e.g. PHQ-9 `moderate` 10–14. */
const BandSchema = Type.Object({ code: Type.String(), label: Type.String(), min: Type.Number(), max: Type.Number() });

/** Raises `flag` when the answer to item `item` (1-based) compares true against `value`. */
const FlagRuleSchema = Type.Object({
  flag: Type.String(),
  item: Type.Integer(),
  op: Type.Union([Type.Literal('gt'), Type.Literal('ge'), Type.Literal('lt'), Type.Literal('le'), Type.Literal('eq')]),
  value: Type.Number(),
  description: Type.String(),
});

/** What one answer value means, e.g. 0 = "Never" (AUDIT-C item 1). */
const AnswerLabelSchema = Type.Object({ value: Type.Integer(), label: Type.String() });

const ItemSchema = Type.Object({
  n: Type.Integer({ description: '1-based position in the answers array' }),
  label: Type.String({ description: 'What the item asks, paraphrased (not licensed wording)' }),
  reverse: Type.Optional(Type.Boolean({ description: 'Scored as itemMin + itemMax − answer (flags still see the answer as given)' })),
  improvement: Type.Optional(
    Type.Union([Type.Literal('increase'), Type.Literal('decrease')], { description: 'Items reported on their own: which way is better, where it differs from the instrument’s' }),
  ),
  answers: Type.Optional(Type.Array(AnswerLabelSchema, { description: 'What each answer value means' })),
  bands: Type.Optional(Type.Array(BandSchema, { description: 'Per-item bands where items are reported separately (ONS4)' })),
  codes: Type.Optional(CodesSchema),
});

const QuestionnaireSchema = Type.Object({
  itemMin: Type.Integer(),
  itemMax: Type.Integer(),
  answerLabels: Type.Optional(
    Type.Array(Type.Object({ value: Type.Integer(), label: Type.String() }), {
      description:
        'What answers mean, where the licence allows showing them: every value, or only the ends of the scale ' +
        '(WEMWBS and SWEMWBS, whose wording is licensed, as the description already gives them)',
    }),
  ),
  items: Type.Array(ItemSchema),
  scoring: Type.Object({
    total: Type.Union([Type.Literal('sum'), Type.Literal('mean'), Type.Literal('none')], {
      description: '`sum` or `mean` (rounded to 2 decimals) of the item scores; `none`: items are reported on their own',
    }),
    conversion: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'Raw sum → reported score (SWEMWBS metric table)' })),
    bands: Type.Optional(Type.Array(BandSchema)),
    scoreMin: Type.Optional(Type.Number()),
    scoreMax: Type.Optional(Type.Number()),
  }),
  flags: Type.Optional(Type.Array(FlagRuleSchema)),
});

/** A unit accepted on input; canonical value = value × factor + offset. */
const UnitSchema = Type.Object({ code: Type.String(), factor: Type.Number(), offset: Type.Optional(Type.Number()) });

const ComponentSchema = Type.Object({
  code: Type.String(),
  label: Type.String(),
  min: Type.Number(),
  max: Type.Number(),
  codes: Type.Optional(CodesSchema),
});

const MeasureSchema = Type.Object({
  unit: Type.String({ description: 'Canonical UCUM unit values are stored in' }),
  units: Type.Array(UnitSchema, { description: 'Units accepted on input' }),
  min: Type.Number({ description: 'Plausible range, canonical unit' }),
  max: Type.Number(),
  components: Type.Optional(Type.Array(ComponentSchema, { description: 'Named parts sent instead of `value` (blood pressure)' })),
  series: Type.Optional(
    Type.Boolean({ description: 'Dense: imported readings are kept as one sealed series a day per writer, not one record each (docs/performance.md "Dense series")' }),
  ),
});

const RangeSchema = Type.Object({ min: Type.Integer(), max: Type.Integer() });

const TextSchema = Type.Object({
  maxLength: Type.Integer(),
  progress: Type.Optional(RangeSchema),
  intensity: Type.Optional(RangeSchema),
  rating: Type.Optional(RangeSchema),
  about: Type.Optional(Type.Literal('organisation', { description: 'Each record names the organisation it is about (`organisationId`)' })),
  statuses: Type.Optional(Type.Array(Type.String(), { description: 'Allowed `status` values; the first is the default' })),
  series: Type.Optional(Type.Boolean({ description: 'Later records may name an earlier one (`goalId`) and so form a series' })),
});

/**
 * The smallest change in an instrument's score that its literature treats as meaningful for one
 * person (docs/outcomes.md). `threshold` is null where no figure is published; `basis` says so.
 */
export const MeaningfulChangeSchema = Type.Object(
  {
    threshold: Type.Union([Type.Number(), Type.Null()], { description: 'Points of score change; null where none is published' }),
    improvement: Type.Union([Type.Literal('increase'), Type.Literal('decrease')], { description: 'Which way of change is better' }),
    basis: Type.String({ description: 'How the figure was derived, or why there is none' }),
    source: Type.Union([Type.String(), Type.Null()], { description: 'Citation of the figure' }),
  },
);

export const TypeDefSchema = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
    description: Type.String(),
    category: Type.String({ description: 'Default category' }),
    categories: Type.Array(Type.String(), {
      description: 'Categories a record of this type may be filed under (the default first); any other is refused',
    }),
    kind: Type.Union([Type.Literal('questionnaire'), Type.Literal('measure'), Type.Literal('text')]),
    questionnaire: Type.Optional(QuestionnaireSchema),
    measure: Type.Optional(MeasureSchema),
    text: Type.Optional(TextSchema),
    codes: CodesSchema,
    meaningfulChange: Type.Optional(MeaningfulChangeSchema),
    licence: Type.Union([Type.String(), Type.Null()]),
    sources: Type.Array(Type.String()),
    owner: Type.Optional(
      Type.Object(
        { organisationId: Type.Optional(Type.String()), organisationName: Type.Optional(Type.String()), subjectId: Type.Optional(Type.String()) },
        { description: 'Bespoke measures: the organisation (or, for a personal measure, the person) that defined it' },
      ),
    ),
    version: Type.Optional(Type.Integer({ description: 'Bespoke measures: the version; records carry it as `typeVersion`' })),
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')], { description: 'Bespoke measures: a draft can change, a published version is frozen' })),
  },
  { $id: 'TypeDef' },
);

export type CategoryDef = Static<typeof CategorySchema>;
export type BandDef = Static<typeof BandSchema>;
export type FlagRuleDef = Static<typeof FlagRuleSchema>;
export type ItemDef = Static<typeof ItemSchema>;
export type QuestionnaireDef = Static<typeof QuestionnaireSchema>;
export type UnitDef = Static<typeof UnitSchema>;
export type ComponentDef = Static<typeof ComponentSchema>;
export type MeasureDef = Static<typeof MeasureSchema>;
export type TextDef = Static<typeof TextSchema>;
export type MeaningfulChange = Static<typeof MeaningfulChangeSchema>;
export type Code = Static<typeof CodeSchema>;
export type Codes = Static<typeof CodesSchema>;
export type TypeDef = Static<typeof TypeDefSchema>;
