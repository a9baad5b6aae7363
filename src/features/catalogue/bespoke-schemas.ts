import { Type, type Static } from 'typebox';
import { MeaningfulChangeSchema, TypeDefSchema } from './model.js';

const Code = Type.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Closed = { additionalProperties: false } as const;

const BandInput = Type.Object({ code: Code, label: Text(200), min: Type.Number(), max: Type.Number() }, Closed);

/**
 * A bespoke questionnaire, in the catalogue's own shape (docs/outcomes.md "Bespoke measures"): items with
 * their range, optional answer labels and reverse scoring; a sum or mean total; bands; flags.
 */
export const BespokeTypeInputSchema = Type.Object(
  {
    code: Code,
    label: Text(200),
    description: Text(2000),
    category: Code,
    kind: Type.Literal('questionnaire'),
    questionnaire: Type.Object(
      {
        itemMin: Type.Integer({ minimum: -100, maximum: 100 }),
        itemMax: Type.Integer({ minimum: -100, maximum: 100 }),
        items: Type.Array(
          Type.Object(
            {
              n: Type.Integer({ minimum: 1, maximum: 100 }),
              label: Text(500),
              reverse: Type.Optional(Type.Boolean()),
              answers: Type.Optional(Type.Array(Type.Object({ value: Type.Integer(), label: Text(200) }, Closed), { minItems: 1, maxItems: 201 })),
            },
            Closed,
          ),
          { minItems: 1, maxItems: 100 },
        ),
        scoring: Type.Object(
          {
            total: Type.Union([Type.Literal('sum'), Type.Literal('mean')]),
            bands: Type.Optional(Type.Array(BandInput, { maxItems: 20 })),
            scoreMin: Type.Optional(Type.Number()),
            scoreMax: Type.Optional(Type.Number()),
          },
          Closed,
        ),
        flags: Type.Optional(
          Type.Array(
            Type.Object(
              {
                flag: Code,
                item: Type.Integer({ minimum: 1, maximum: 100 }),
                op: Type.Union([Type.Literal('gt'), Type.Literal('ge'), Type.Literal('lt'), Type.Literal('le'), Type.Literal('eq')]),
                value: Type.Number(),
                description: Text(500),
              },
              Closed,
            ),
            { maxItems: 20 },
          ),
        ),
      },
      Closed,
    ),
    meaningfulChange: Type.Optional(MeaningfulChangeSchema),
    licence: Type.Optional(Type.Union([Text(2000), Type.Null()])),
    sources: Type.Optional(Type.Array(Text(1000), { maxItems: 20 })),
  },
  Closed,
);

export const CodeParamsSchema = Type.Object({ code: Code }, Closed);
export const OrgCodeParamsSchema = Type.Object({ orgId: Type.String({ format: 'uuid' }), code: Code }, Closed);

export const BespokeListSchema = Type.Object({ items: Type.Array(TypeDefSchema) });

export type BespokeTypeInput = Static<typeof BespokeTypeInputSchema>;
