import { Type, type Static } from 'typebox';

/**
 * The shape of the outcomes catalogue, as schemas: the same definitions type the data files
 * and describe the API's answers. The catalogue is data: adding a type or an instrument
 * means adding an entry, never a code path (DESIGN "Bespoke measures").
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

const ItemSchema = Type.Object({
  n: Type.Integer({ description: '1-based position in the answers array' }),
  label: Type.String({ description: 'What the item asks, paraphrased (not licensed wording)' }),
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
    total: Type.Union([Type.Literal('sum'), Type.Literal('none')], { description: '`none`: items are reported on their own' }),
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
});

const TextSchema = Type.Object({
  maxLength: Type.Integer(),
  progress: Type.Optional(Type.Object({ min: Type.Integer(), max: Type.Integer() })),
});

export const TypeDefSchema = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
    description: Type.String(),
    category: Type.String({ description: 'Default category' }),
    kind: Type.Union([Type.Literal('questionnaire'), Type.Literal('measure'), Type.Literal('text')]),
    questionnaire: Type.Optional(QuestionnaireSchema),
    measure: Type.Optional(MeasureSchema),
    text: Type.Optional(TextSchema),
    codes: CodesSchema,
    licence: Type.Union([Type.String(), Type.Null()]),
    meaningfulChange: Type.Optional(
      Type.Object(
        { score: Type.Number({ description: 'Smallest change in score, either way, that is meaningful for one person' }), source: Type.String() },
        { description: 'Where a published study sets one; charts mark changes this large' },
      ),
    ),
    sources: Type.Array(Type.String()),
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
export type Code = Static<typeof CodeSchema>;
export type Codes = Static<typeof CodesSchema>;
export type TypeDef = Static<typeof TypeDefSchema>;
