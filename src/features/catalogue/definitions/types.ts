import type { BandDef, Code, TypeDef } from '../model.js';
import { categories } from './categories.js';

/*
 * The outcomes catalogue: every record type Tessera accepts, with the data the scoring
 * engine and validators need. Item labels are short paraphrases of what each item asks;
 * they are not the licensed item wording (WEMWBS/SWEMWBS in particular).
 *
 * Every table here was checked against two sources; see `sources` on each type.
 */

const loinc = (code: string, display: string): Code => ({
  system: 'http://loinc.org',
  code,
  display,
});

const snomed = (code: string, display: string): Code => ({
  system: 'http://snomed.info/sct',
  code,
  display,
});

/**
 * SWEMWBS raw score (sum of the 7 items, 7–35) → metric score, as published by Warwick
 * Medical School (the Rasch-based transformation from Stewart-Brown et al., 2009).
 */
const swemwbsConversion: Record<string, number> = {
  '7': 7.0,
  '8': 9.51,
  '9': 11.25,
  '10': 12.4,
  '11': 13.33,
  '12': 14.08,
  '13': 14.75,
  '14': 15.32,
  '15': 15.84,
  '16': 16.36,
  '17': 16.88,
  '18': 17.43,
  '19': 17.98,
  '20': 18.59,
  '21': 19.25,
  '22': 19.98,
  '23': 20.73,
  '24': 21.54,
  '25': 22.35,
  '26': 23.21,
  '27': 24.11,
  '28': 25.03,
  '29': 26.02,
  '30': 27.03,
  '31': 28.13,
  '32': 29.31,
  '33': 30.7,
  '34': 32.55,
  '35': 35.0,
};

/** ONS thresholds for life satisfaction, worthwhile and happiness (higher is better). */
const onsPositiveBands: BandDef[] = [
  { code: 'low', label: 'Low', min: 0, max: 4 },
  { code: 'medium', label: 'Medium', min: 5, max: 6 },
  { code: 'high', label: 'High', min: 7, max: 8 },
  { code: 'very-high', label: 'Very high', min: 9, max: 10 },
];

/** ONS thresholds for anxiety, which run the other way (higher anxiety is worse). */
const onsAnxietyBands: BandDef[] = [
  { code: 'very-low', label: 'Very low', min: 0, max: 1 },
  { code: 'low', label: 'Low', min: 2, max: 3 },
  { code: 'medium', label: 'Medium', min: 4, max: 5 },
  { code: 'high', label: 'High', min: 6, max: 10 },
];

const WARWICK_LICENCE =
  'Free to use, but a licence must first be obtained from Warwick Medical School by registering ' +
  'the intended use (https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using). ' +
  '© NHS Health Scotland, University of Warwick and University of Edinburgh; the copyright line ' +
  'must be shown wherever the scale or its results are reproduced.';

const PHQ_LICENCE =
  'Free to use. Developed by Drs Robert L. Spitzer, Janet B. W. Williams, Kurt Kroenke and ' +
  'colleagues with an educational grant from Pfizer Inc.; no permission is required to ' +
  'reproduce, translate, display or distribute it.';

/** PHQ-9 and GAD-7 share their answer scale; both may be reproduced freely (see PHQ_LICENCE). */
const phqAnswers = [
  { value: 0, label: 'Not at all' },
  { value: 1, label: 'Several days' },
  { value: 2, label: 'More than half the days' },
  { value: 3, label: 'Nearly every day' },
];

/** A type's entry as written here; `categories` defaults to the type's own category alone. */
type TypeEntry = Omit<TypeDef, 'categories'> & { categories?: string[] };

/** Text in the person's own words may be about any part of their life, so any category fits. */
const anyCategory = (own: string): string[] => [own, ...categories.map((c) => c.code).filter((c) => c !== own)];

/*
 * Meaningful change per instrument (docs/outcomes.md "Meaningful change"). Each figure is the
 * one its source gives for change in one person; where the literature gives a range, the upper
 * end is used, so that "meaningful" is never claimed on the weaker standard.
 */
const SHAH_2018 =
  'Shah N, Cader M, Andrews WP, Wijesekera D, Stewart-Brown SL (2018) Responsiveness of the Short Warwick Edinburgh Mental Well-Being Scale (SWEMWBS): evaluation a clinical sample. Health Qual Life Outcomes 16:239 — https://doi.org/10.1186/s12955-018-1060-2';
const MAHESWARAN_2012 =
  'Maheswaran H, Weich S, Powell J, Stewart-Brown S (2012) Evaluating the responsiveness of the Warwick Edinburgh Mental Well-Being Scale (WEMWBS): group and individual level analysis. Health Qual Life Outcomes 10:156 — https://doi.org/10.1186/1477-7525-10-156';
const LOWE_2004 =
  'Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K (2004) Monitoring depression treatment outcomes with the Patient Health Questionnaire-9. Med Care 42(12):1194–1201 — https://doi.org/10.1097/00005650-200412000-00006';
const TOUSSAINT_2020 =
  'Toussaint A, Hüsing P, Gumz A, Wingenfeld K, Härter M, Schramm E, Löwe B (2020) Sensitivity to change and minimal clinically important difference of the 7-item Generalized Anxiety Disorder Questionnaire (GAD-7). J Affect Disord 265:395–401 — https://doi.org/10.1016/j.jad.2020.01.032';

/** Where no published figure was found: the trend shows the change but never calls it meaningful. */
const noPublishedChange = (improvement: 'increase' | 'decrease', why: string) => ({ threshold: null, improvement, basis: why, source: null });

const entries: TypeEntry[] = [
  // ---------------------------------------------------------------- questionnaires
  {
    code: 'swemwbs',
    label: 'Short Warwick–Edinburgh Mental Wellbeing Scale (SWEMWBS)',
    description:
      'Seven statements about thoughts and feelings over the last two weeks, each rated 1 (none of the ' +
      'time) to 5 (all of the time). The raw sum (7–35) is converted to the published metric score, ' +
      'which is the reported score; higher means better mental wellbeing. No bands are applied: the ' +
      'scale owners present population norms and cut points as guidance for groups, not as an ' +
      'individual scoring rule.',
    category: 'mental-wellbeing',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 5,
      answerLabels: [
        { value: 1, label: 'None of the time' },
        { value: 5, label: 'All of the time' },
      ],
      items: [
        { n: 1, label: 'Optimism about the future' },
        { n: 2, label: 'Feeling useful' },
        { n: 3, label: 'Feeling relaxed' },
        { n: 4, label: 'Handling problems well' },
        { n: 5, label: 'Thinking clearly' },
        { n: 6, label: 'Feeling close to other people' },
        { n: 7, label: 'Making up one’s own mind' },
      ],
      scoring: {
        total: 'sum',
        conversion: swemwbsConversion,
        scoreMin: 7,
        scoreMax: 35,
      },
    },
    codes: {
      snomed: snomed('718466001', 'Short Warwick-Edinburgh Mental Well-being Scale score'),
    },
    meaningfulChange: {
      threshold: 3,
      improvement: 'increase',
      basis:
        'Distribution-based: in a clinical sample a change of between 1 and 3 metric points met thresholds for ' +
        'statistically important change in one person (1 SEM = 1.03 points; 2.77 SEM = 2.87 points). The upper end, 3, is used.',
      source: SHAH_2018,
    },
    licence: WARWICK_LICENCE,
    sources: [
      'Warwick Medical School, SWEMWBS raw score to metric score conversion table — https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto/swemwbs_raw_score_to_metric_score_conversion_table.pdf',
      'Warwick Medical School, Collect, score, analyse and interpret WEMWBS — https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto',
      'Stewart-Brown S et al. (2009) Internal construct validity of the Warwick-Edinburgh Mental Well-being Scale (WEMWBS): a Rasch analysis using data from the Scottish Health Education Population Survey. Health Qual Life Outcomes 7:15 — https://doi.org/10.1186/1477-7525-7-15',
      'CORC, Short Warwick-Edinburgh Mental Wellbeing Scale (terms of use) — https://www.corc.uk.net/outcome-experience-measures/short-warwick-edinburgh-mental-wellbeing-scale-swemwbs/',
      'NHS Digital MHSDS/CSDS PROM reference data (SNOMED CT 718466001, range 7–35)',
    ],
  },
  {
    code: 'wemwbs',
    label: 'Warwick–Edinburgh Mental Wellbeing Scale (WEMWBS)',
    description:
      'Fourteen statements about thoughts and feelings over the last two weeks, each rated 1 (none of ' +
      'the time) to 5 (all of the time). The score is the sum, 14–70; higher means better mental ' +
      'wellbeing. No bands are applied (see SWEMWBS).',
    category: 'mental-wellbeing',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 5,
      answerLabels: [
        { value: 1, label: 'None of the time' },
        { value: 5, label: 'All of the time' },
      ],
      items: [
        { n: 1, label: 'Optimism about the future' },
        { n: 2, label: 'Feeling useful' },
        { n: 3, label: 'Feeling relaxed' },
        { n: 4, label: 'Interest in other people' },
        { n: 5, label: 'Having energy to spare' },
        { n: 6, label: 'Handling problems well' },
        { n: 7, label: 'Thinking clearly' },
        { n: 8, label: 'Feeling good about oneself' },
        { n: 9, label: 'Feeling close to other people' },
        { n: 10, label: 'Feeling confident' },
        { n: 11, label: 'Making up one’s own mind' },
        { n: 12, label: 'Feeling loved' },
        { n: 13, label: 'Interest in new things' },
        { n: 14, label: 'Feeling cheerful' },
      ],
      scoring: {
        total: 'sum',
        scoreMin: 14,
        scoreMax: 70,
      },
    },
    codes: {
      snomed: snomed('718426000', 'Warwick-Edinburgh Mental Well-being Scale score'),
    },
    meaningfulChange: {
      threshold: 3,
      improvement: 'increase',
      basis:
        'Distribution-based: across twelve intervention studies the standard error of measurement was 2.4 to 3.1 points; a ' +
        'change of 3 points is about one SEM at the top of that range. The stricter 2.77 SEM standard the study also reports would be about 7–9 points.',
      source: MAHESWARAN_2012,
    },
    licence: WARWICK_LICENCE,
    sources: [
      'Warwick Medical School, Collect, score, analyse and interpret WEMWBS — https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto',
      'Tennant R et al. (2007) The Warwick-Edinburgh Mental Well-being Scale (WEMWBS): development and UK validation. Health Qual Life Outcomes 5:63 — https://doi.org/10.1186/1477-7525-5-63',
      'NHS Health Scotland, WEMWBS user guide version 2 (2015)',
      'NHS Digital MHSDS/CSDS PROM reference data (SNOMED CT 718426000, range 14–70)',
    ],
  },
  {
    code: 'ons4',
    label: 'ONS personal wellbeing (ONS4)',
    description:
      'The four Office for National Statistics personal wellbeing questions, each answered 0 (not at ' +
      'all) to 10 (completely). There is no total: each answer is reported on its own with the ONS ' +
      'threshold band. For anxiety a higher answer means lower wellbeing, so its bands run the other way.',
    category: 'wellbeing',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 0,
      itemMax: 10,
      answerLabels: [
        { value: 0, label: 'Not at all' },
        { value: 10, label: 'Completely' },
      ],
      items: [
        { n: 1, label: 'Satisfaction with life nowadays', bands: onsPositiveBands },
        { n: 2, label: 'Feeling the things one does in life are worthwhile', bands: onsPositiveBands },
        { n: 3, label: 'Happiness yesterday', bands: onsPositiveBands },
        { n: 4, label: 'Anxiety yesterday', bands: onsAnxietyBands, improvement: 'decrease' },
      ],
      scoring: {
        total: 'none',
      },
    },
    codes: {},
    meaningfulChange: noPublishedChange(
      'increase',
      'No minimal important change for one person is published for the ONS personal wellbeing questions: ONS gives ' +
        'thresholds for levels (the bands) and population estimates, not a figure for individual change. The anxiety item ' +
        'improves by decreasing.',
    ),
    licence:
      'Crown copyright (Office for National Statistics); the questions may be reused free of charge ' +
      'under the Open Government Licence v3.0 — https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    sources: [
      'ONS, Personal well-being user guidance — https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/personalwellbeingsurveyuserguide',
      'ONS, Freedom of Information response on annual personal well-being score distributions (states the thresholds: 0–4 low, 5–6 medium, 7–8 high, 9–10 very high; anxiety 0–1 very low, 2–3 low, 4–5 medium, 6–10 high) — https://www.ons.gov.uk/aboutus/transparencyandgovernance/freedomofinformationfoi/asetofannualukswbscoredistributions',
      'GSS Harmonisation, Personal well-being harmonised standard (question wording and 0–10 scale) — https://analysisfunction.civilservice.gov.uk/policy-store/personal-well-being/',
    ],
  },
  {
    code: 'phq9',
    label: 'Patient Health Questionnaire (PHQ-9)',
    description:
      'Nine questions about problems over the last two weeks, each rated 0 (not at all) to 3 (nearly ' +
      'every day). The score is the sum, 0–27, banded by depression severity. Any answer above 0 to ' +
      'question 9 raises the self-harm-risk flag, whatever the total.',
    category: 'mental-wellbeing',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 0,
      itemMax: 3,
      answerLabels: phqAnswers,
      items: [
        {
          n: 1,
          label: 'Little interest or pleasure in doing things',
          codes: { loinc: loinc('44250-9', 'Little interest or pleasure in doing things in last 2 weeks') },
        },
        {
          n: 2,
          label: 'Feeling down, depressed or hopeless',
          codes: { loinc: loinc('44255-8', 'Feeling down, depressed, or hopeless in last 2 weeks') },
        },
        {
          n: 3,
          label: 'Trouble sleeping, or sleeping too much',
          codes: {
            loinc: loinc(
              '44259-0',
              'Trouble falling or staying asleep, or sleeping too much in last 2 weeks [Reported.PHQ]',
            ),
          },
        },
        {
          n: 4,
          label: 'Feeling tired or low on energy',
          codes: {
            loinc: loinc('44254-1', 'Feeling tired or having little energy in last 2 weeks [Reported.PHQ]'),
          },
        },
        {
          n: 5,
          label: 'Poor appetite or overeating',
          codes: { loinc: loinc('44251-7', 'Poor appetite or overeating in last 2 weeks [Reported.PHQ]') },
        },
        {
          n: 6,
          label: 'Feeling bad about oneself',
          codes: {
            loinc: loinc(
              '44258-2',
              'Feeling bad about yourself - or that you are a failure or have let yourself or your family down in last 2 weeks [Reported.PHQ]',
            ),
          },
        },
        {
          n: 7,
          label: 'Trouble concentrating',
          codes: {
            loinc: loinc(
              '44252-5',
              'Trouble concentrating on things, such as reading the newspaper or watching television in last 2 weeks [Reported.PHQ]',
            ),
          },
        },
        {
          n: 8,
          label: 'Moving or speaking slowly, or being restless',
          codes: {
            loinc: loinc(
              '44253-3',
              'Moving or speaking so slowly that other people could have noticed. Or the opposite - being so fidgety or restless that you have been moving around a lot more than usual in last 2 weeks [Reported.PHQ]',
            ),
          },
        },
        {
          n: 9,
          label: 'Thoughts of being better off dead or of self-harm',
          codes: {
            loinc: loinc(
              '44260-8',
              'Thoughts that you would be better off dead, or of hurting yourself in some way in last 2 weeks [Reported.PHQ]',
            ),
          },
        },
      ],
      scoring: {
        total: 'sum',
        scoreMin: 0,
        scoreMax: 27,
        bands: [
          { code: 'minimal', label: 'Minimal', min: 0, max: 4 },
          { code: 'mild', label: 'Mild', min: 5, max: 9 },
          { code: 'moderate', label: 'Moderate', min: 10, max: 14 },
          { code: 'moderately-severe', label: 'Moderately severe', min: 15, max: 19 },
          { code: 'severe', label: 'Severe', min: 20, max: 27 },
        ],
      },
      flags: [
        {
          flag: 'self-harm-risk',
          item: 9,
          op: 'gt',
          value: 0,
          description:
            'Question 9 (thoughts of being better off dead or of self-harm) was answered above "not at all"; ' +
            'this needs a follow-up conversation whatever the total score.',
        },
      ],
    },
    codes: {
      loinc: loinc('44261-6', 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]'),
      snomed: snomed('720433000', 'Patient Health Questionnaire Nine Item score'),
    },
    meaningfulChange: {
      threshold: 5,
      improvement: 'decrease',
      basis: 'Minimal clinically important difference for individual change, estimated as 2 standard errors of measurement: 5 points on the 0–27 scale.',
      source: LOWE_2004,
    },
    licence: PHQ_LICENCE,
    sources: [
      'Kroenke K, Spitzer RL, Williams JBW (2001) The PHQ-9: validity of a brief depression severity measure. J Gen Intern Med 16(9):606–613 (scores of 5, 10, 15 and 20 mark mild, moderate, moderately severe and severe) — https://doi.org/10.1046/j.1525-1497.2001.016009606.x',
      'eMentalHealth.ca, PHQ-9 scoring key (0–4, 5–9, 10–14, 15–19, 20–27; cross-check of the bands) — http://www.ementalhealth.ca/index.php?m=printSurveyScoring&hideFormatting=1&ID=42',
      'HL7 FHIR Structured Data Capture IG, PHQ-9 example questionnaire (LOINC 44261-6 display; severity bands) — http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9',
      'HL7 Personal Health Records IG 1.0.0-ballot2, PHQ-9 questionnaire (LOINC 44249-1 panel, item codes and displays) — http://hl7.org/fhir/uv/phr/Questionnaire/phq9',
      'LOINC-derived PHQ-9 FHIR Questionnaire generated with NLM LHC-Forms (independent cross-check of the item codes) — https://lhcforms.nlm.nih.gov/',
      'NHS England SNOMED CT code usage in primary care (720433000 Patient Health Questionnaire Nine Item score) — https://digital.nhs.uk/data-and-information/publications/statistical/mi-snomed-code-usage-in-primary-care',
    ],
  },
  {
    code: 'gad7',
    label: 'Generalised Anxiety Disorder scale (GAD-7)',
    description:
      'Seven questions about problems over the last two weeks, each rated 0 (not at all) to 3 (nearly ' +
      'every day). The score is the sum, 0–21, banded by anxiety severity.',
    category: 'mental-wellbeing',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 0,
      itemMax: 3,
      answerLabels: phqAnswers,
      items: [
        {
          n: 1,
          label: 'Feeling nervous, anxious or on edge',
          codes: { loinc: loinc('69725-0', 'Feeling nervous, anxious or on edge in last 2 weeks') },
        },
        {
          n: 2,
          label: 'Not being able to stop or control worrying',
          codes: { loinc: loinc('68509-9', 'Not able to stop or control worrying in the last 2 weeks') },
        },
        {
          n: 3,
          label: 'Worrying too much about different things',
          codes: {
            loinc: loinc('69733-4', 'Worrying too much about different things in last 2 weeks [Reported.PHQ]'),
          },
        },
        {
          n: 4,
          label: 'Trouble relaxing',
          codes: { loinc: loinc('69734-2', 'Trouble relaxing in last 2 weeks [Reported.PHQ]') },
        },
        {
          n: 5,
          label: 'Being so restless it is hard to sit still',
          codes: {
            loinc: loinc('69735-9', 'Being so restless that it is hard to sit still in last 2 weeks [Reported.PHQ]'),
          },
        },
        {
          n: 6,
          label: 'Becoming easily annoyed or irritable',
          codes: {
            loinc: loinc('69689-8', 'Becoming easily annoyed or irritable in last 4 weeks [Reported.PHQ]'),
          },
        },
        {
          n: 7,
          label: 'Feeling afraid that something awful might happen',
          codes: {
            loinc: loinc(
              '69736-7',
              'Feeling afraid as if something awful might happen in last 2 weeks [Reported.PHQ]',
            ),
          },
        },
      ],
      scoring: {
        total: 'sum',
        scoreMin: 0,
        scoreMax: 21,
        bands: [
          { code: 'minimal', label: 'Minimal', min: 0, max: 4 },
          { code: 'mild', label: 'Mild', min: 5, max: 9 },
          { code: 'moderate', label: 'Moderate', min: 10, max: 14 },
          { code: 'severe', label: 'Severe', min: 15, max: 21 },
        ],
      },
    },
    codes: {
      loinc: loinc('70274-6', 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]'),
      snomed: snomed('445455005', 'Generalized anxiety disorder 7 item score'),
    },
    meaningfulChange: {
      threshold: 4,
      improvement: 'decrease',
      basis: 'Minimal clinically important difference estimated at 4 points on the GAD-7 total score (0–21).',
      source: TOUSSAINT_2020,
    },
    licence: PHQ_LICENCE,
    sources: [
      'Spitzer RL, Kroenke K, Williams JBW, Löwe B (2006) A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med 166(10):1092–1097 (cut points 5, 10 and 15 for mild, moderate and severe) — https://doi.org/10.1001/archinte.166.10.1092',
      'Pfizer PHQ/GAD-7 scoring instructions as reproduced with the form (0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe; cross-check of the bands) — https://www.phqscreeners.com/',
      'HL7 Personal Health Records IG 1.0.0-ballot2, GAD-7 questionnaire (LOINC 69737-5 panel, item codes and displays) — http://hl7.org/fhir/uv/phr/Questionnaire/gad7',
      'LOINC-derived GAD-7 FHIR Questionnaire generated with NLM LHC-Forms (independent cross-check of the item codes and their order) — https://lhcforms.nlm.nih.gov/',
      'Medizininformatik-Initiative PRO module, GAD-7 total score (LOINC 70274-6 display) — https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/StructureDefinition/mii-pr-pro-score-instance',
      'NHS Digital MHSDS PROM reference data and NHS England SNOMED CT code usage in primary care (445455005 Generalized anxiety disorder 7 item score) — https://digital.nhs.uk/data-and-information/publications/statistical/mi-snomed-code-usage-in-primary-care',
    ],
  },
  {
    code: 'ucla3',
    label: 'Three-item loneliness scale (UCLA-3)',
    description:
      'Three questions on how often someone feels they lack companionship, feel left out and feel ' +
      'isolated, each answered 1 (hardly ever or never), 2 (some of the time) or 3 (often). The score ' +
      'is the sum, 3–9; higher means lonelier. No bands are applied: some researchers group 3–5 as ' +
      '"not lonely" and 6–9 as "lonely", but ONS, which recommends the scale as a national indicator, ' +
      'does not set a threshold and published studies use different cut points.',
    category: 'social-connections',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 3,
      answerLabels: [
        { value: 1, label: 'Hardly ever or never' },
        { value: 2, label: 'Some of the time' },
        { value: 3, label: 'Often' },
      ],
      items: [
        { n: 1, label: 'Lacking companionship' },
        { n: 2, label: 'Feeling left out' },
        { n: 3, label: 'Feeling isolated from others' },
      ],
      scoring: {
        total: 'sum',
        scoreMin: 3,
        scoreMax: 9,
      },
    },
    codes: {},
    meaningfulChange: noPublishedChange(
      'decrease',
      'No minimal important change is published for the three-item scale: Hughes et al. (2004) and ONS give no figure for ' +
        'individual change, and the cut points used in studies are for levels, not change.',
    ),
    licence:
      'No licence or registration process is published for the three-item scale; it is printed in ' +
      'Hughes et al. (2004) and recommended by ONS for public surveys. Cite the source when using it.',
    sources: [
      'Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT (2004) A short scale for measuring loneliness in large surveys. Res Aging 26(6):655–672 — https://doi.org/10.1177/0164027504268574',
      'ONS, Measuring loneliness: guidance for use of the national indicators on surveys — https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/measuringlonelinessguidanceforuseofthenationalindicatorsonsurveys',
      'GSS Harmonisation, Loneliness harmonised standard (items and response options) — https://analysisfunction.civilservice.gov.uk/policy-store/loneliness-indicators/',
    ],
  },

  {
    code: 'audit-c',
    label: 'Alcohol use: AUDIT-C',
    description:
      'The three consumption questions of the WHO Alcohol Use Disorders Identification Test, in the UK wording with ' +
      'units: how often, how many units on a typical drinking day, and how often 6 (women) or 8 (men) or more units on ' +
      'one occasion, each scored 0–4. The score is the sum, 0–12; 5 or more indicates increasing or higher risk drinking, ' +
      'when the remaining seven AUDIT questions should be asked.',
    category: 'substance-use',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 0,
      itemMax: 4,
      items: [
        {
          n: 1,
          label: 'How often a drink containing alcohol',
          answers: [
            { value: 0, label: 'Never' },
            { value: 1, label: 'Monthly or less' },
            { value: 2, label: '2 to 4 times a month' },
            { value: 3, label: '2 to 3 times a week' },
            { value: 4, label: '4 or more times a week' },
          ],
        },
        {
          n: 2,
          label: 'Units on a typical day when drinking',
          answers: [
            { value: 0, label: '1 or 2' },
            { value: 1, label: '3 or 4' },
            { value: 2, label: '5 or 6' },
            { value: 3, label: '7 to 9' },
            { value: 4, label: '10 or more' },
          ],
        },
        {
          n: 3,
          label: 'How often 6 (women) or 8 (men) or more units on one occasion in the last year',
          answers: [
            { value: 0, label: 'Never' },
            { value: 1, label: 'Less than monthly' },
            { value: 2, label: 'Monthly' },
            { value: 3, label: 'Weekly' },
            { value: 4, label: 'Daily or almost daily' },
          ],
        },
      ],
      scoring: {
        total: 'sum',
        scoreMin: 0,
        scoreMax: 12,
        bands: [
          { code: 'lower-risk', label: 'Lower risk', min: 0, max: 4 },
          { code: 'increasing-risk', label: 'Increasing or higher risk (go on to the full AUDIT)', min: 5, max: 12 },
        ],
      },
    },
    codes: {
      loinc: loinc('75626-2', 'Total score [AUDIT-C]'),
    },
    meaningfulChange: noPublishedChange(
      'decrease',
      'No minimal important change for one person is published for AUDIT-C; it is a screening score, and its guides give cut points for levels only.',
    ),
    licence:
      'The AUDIT was developed by the World Health Organization, which publishes it for free use without permission ' +
      '(Babor et al. 2001). The UK wording with units is from the Office for Health Improvement and Disparities, Crown ' +
      'copyright, reusable under the Open Government Licence v3.0.',
    sources: [
      'Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG (2001) AUDIT: The Alcohol Use Disorders Identification Test. Guidelines for use in primary care, 2nd ed. World Health Organization — https://www.who.int/publications/i/item/WHO-MSD-MSB-01.6a',
      'Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA (1998) The AUDIT alcohol consumption questions (AUDIT-C). Arch Intern Med 158(16):1789–1795 — https://doi.org/10.1001/archinte.158.16.1789',
      'Office for Health Improvement and Disparities, Alcohol use screening tests (AUDIT-C with UK units; a score of 5 or more is AUDIT-C positive) — https://www.gov.uk/government/publications/alcohol-use-screening-tests',
      'LOINC 75626-2 Total score [AUDIT-C] — https://loinc.org/75626-2/',
    ],
  },
  {
    code: 'gse',
    label: 'General Self-Efficacy Scale (GSE)',
    description:
      'Ten statements about coping with difficult demands and solving problems, each rated 1 (not at all true) to 4 ' +
      '(exactly true). The score is the sum, 10–40; higher means a stronger belief in one’s own ability to cope. No ' +
      'bands are applied: the authors publish norms, not cut points.',
    category: 'can-do',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 4,
      items: [
        { n: 1, label: 'Solving difficult problems by trying hard enough' },
        { n: 2, label: 'Finding ways to get what one wants when opposed' },
        { n: 3, label: 'Sticking to one’s aims' },
        { n: 4, label: 'Dealing with unexpected events' },
        { n: 5, label: 'Handling unforeseen situations' },
        { n: 6, label: 'Solving most problems with effort' },
        { n: 7, label: 'Staying calm by relying on one’s coping abilities' },
        { n: 8, label: 'Finding several solutions to a problem' },
        { n: 9, label: 'Thinking of a solution when in trouble' },
        { n: 10, label: 'Handling whatever comes one’s way' },
      ],
      scoring: { total: 'sum', scoreMin: 10, scoreMax: 40 },
    },
    codes: {},
    meaningfulChange: noPublishedChange('increase', 'No minimal important change for one person is published for the 10-item GSE.'),
    licence:
      'Free to use without permission, with the source acknowledged (Schwarzer & Jerusalem 1995); the authors publish ' +
      'the scale and its translations for research and practice.',
    sources: [
      'Schwarzer R, Jerusalem M (1995) Generalized Self-Efficacy scale. In Weinman J, Wright S, Johnston M, Measures in health psychology: a user’s portfolio. Causal and control beliefs, pp. 35–37. Windsor: NFER-NELSON',
      'Scholz U, Gutiérrez Doña B, Sud S, Schwarzer R (2002) Is general self-efficacy a universal construct? Psychometric findings from 25 countries. Eur J Psychol Assess 18(3):242–251 (items 1–4, summed 10–40) — https://doi.org/10.1027//1015-5759.18.3.242',
    ],
  },
  {
    code: 'brs',
    label: 'Brief Resilience Scale (BRS)',
    description:
      'Six statements about bouncing back from stress, each rated 1 (strongly disagree) to 5 (strongly agree). Items 2, ' +
      '4 and 6 are worded the other way and reverse-scored. The score is the mean of the six item scores, 1–5; higher ' +
      'means more resilient. Bands: low 1.00–2.99, normal 3.00–4.30, high 4.31–5.00.',
    category: 'can-do',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 5,
      items: [
        { n: 1, label: 'Bouncing back quickly after hard times' },
        { n: 2, label: 'Having a hard time making it through stressful events', reverse: true },
        { n: 3, label: 'Recovering from a stressful event without long' },
        { n: 4, label: 'Finding it hard to snap back when something bad happens', reverse: true },
        { n: 5, label: 'Coming through difficult times with little trouble' },
        { n: 6, label: 'Taking a long time to get over setbacks', reverse: true },
      ],
      scoring: {
        total: 'mean',
        scoreMin: 1,
        scoreMax: 5,
        bands: [
          { code: 'low', label: 'Low resilience', min: 1, max: 2.99 },
          { code: 'normal', label: 'Normal resilience', min: 3, max: 4.3 },
          { code: 'high', label: 'High resilience', min: 4.31, max: 5 },
        ],
      },
    },
    codes: {},
    meaningfulChange: noPublishedChange('increase', 'No minimal important change for one person is published for the BRS.'),
    licence:
      'The items and scoring are printed in Smith et al. (2008) and reproduced with the authors’ permission in clinical ' +
      'journals; no fee or registration is published. Cite the source when using it.',
    sources: [
      'Smith BW, Dalen J, Wiggins K, Tooley E, Christopher P, Bernard J (2008) The Brief Resilience Scale: assessing the ability to bounce back. Int J Behav Med 15(3):194–200 (reverse items 2, 4, 6; score = mean of the six items) — https://doi.org/10.1080/10705500802222972',
      'Smith BW, Epstein EM, Ortiz JA, Christopher PJ, Tooley EM (2013) The foundations of resilience: what are the critical resources for bouncing back from stress? In Prince-Embury S, Saklofske DH (eds) Resilience in children, adolescents, and adults, pp. 167–187. New York: Springer (low 1.00–2.99, normal 3.00–4.30, high 4.31–5.00) — https://doi.org/10.1007/978-1-4614-4939-3_13',
    ],
  },
  {
    code: 'self-rated-health',
    label: 'Self-rated general health',
    description:
      'One question, how is your health in general, answered very good (1), good (2), fair (3), bad (4) or very bad (5). ' +
      'The score is the answer; lower is better. The band names the answer.',
    category: 'health-status',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 5,
      items: [
        {
          n: 1,
          label: 'Health in general',
          answers: [
            { value: 1, label: 'Very good' },
            { value: 2, label: 'Good' },
            { value: 3, label: 'Fair' },
            { value: 4, label: 'Bad' },
            { value: 5, label: 'Very bad' },
          ],
        },
      ],
      scoring: {
        total: 'sum',
        scoreMin: 1,
        scoreMax: 5,
        bands: [
          { code: 'very-good', label: 'Very good', min: 1, max: 1 },
          { code: 'good', label: 'Good', min: 2, max: 2 },
          { code: 'fair', label: 'Fair', min: 3, max: 3 },
          { code: 'bad', label: 'Bad', min: 4, max: 4 },
          { code: 'very-bad', label: 'Very bad', min: 5, max: 5 },
        ],
      },
    },
    codes: {},
    meaningfulChange: noPublishedChange('decrease', 'A single five-point question: no minimal important change is published; any step between answers is shown as a change.'),
    licence:
      'Crown copyright (Government Statistical Service harmonised standard); the question may be reused free of charge ' +
      'under the Open Government Licence v3.0.',
    sources: [
      'GSS Harmonisation, General health harmonised standard (question and the five answers very good to very bad) — https://analysisfunction.civilservice.gov.uk/policy-store/general-health/',
      'Eurostat, European Health Interview Survey / Minimum European Health Module: self-perceived health (same five categories)',
    ],
  },

  // ---------------------------------------------------------------- measures
  {
    code: 'heart-rate',
    label: 'Heart rate',
    description: 'Heart beats per minute, from a wearable, a monitor or counted by hand.',
    category: 'health-status',
    // A racing heart during panic, or during exercise, belongs with those records.
    categories: ['health-status', 'mental-wellbeing', 'healthy-living'],
    kind: 'measure',
    measure: {
      unit: '/min',
      units: [
        { code: '/min', factor: 1 },
        { code: '{beats}/min', factor: 1 },
      ],
      min: 20,
      max: 300,
      // Wearables report it every minute or more often: 1,440 readings a day and more.
      series: true,
    },
    codes: {
      loinc: loinc('8867-4', 'Heart rate'),
      snomed: snomed('364075005', 'Heart rate'),
    },
    licence: null,
    sources: [
      'HL7 FHIR R4 Vital Signs heart rate profile (LOINC 8867-4, UCUM /min) — https://hl7.org/fhir/R4/heartrate.html',
      'LOINC 8867-4 — https://loinc.org/8867-4/',
    ],
  },
  {
    code: 'steps',
    label: 'Steps',
    description:
      'Number of steps counted by a phone, pedometer or wearable over the period the person or device ' +
      'reports (usually a day).',
    category: 'healthy-living',
    kind: 'measure',
    measure: {
      unit: '1',
      units: [
        { code: '1', factor: 1 },
        { code: '{steps}', factor: 1 },
      ],
      min: 0,
      max: 200000,
    },
    codes: {
      // 55423-8 is a plain count over an unspecified time. 41950-7 ("in 24 hour") is a rate
      // per 24 h and would assert a daily window that a Tessera record does not carry.
      loinc: loinc('55423-8', 'Number of steps in unspecified time Pedometer'),
    },
    licence: null,
    sources: [
      'LOINC 55423-8 — https://loinc.org/55423-8/',
      'LOINC 41950-7 (considered, not used: per-24-hour rate) — https://loinc.org/41950-7/',
    ],
  },
  {
    code: 'sleep-duration',
    label: 'Sleep duration',
    description: 'Time spent asleep in one sleep period, usually a night.',
    category: 'healthy-living',
    kind: 'measure',
    measure: {
      unit: 'h',
      units: [
        { code: 'h', factor: 1 },
        { code: 'min', factor: 1 / 60 },
        { code: 's', factor: 1 / 3600 },
      ],
      min: 0,
      max: 24,
    },
    codes: {
      loinc: loinc('93832-4', 'Sleep duration'),
    },
    licence: null,
    sources: ['LOINC 93832-4 — https://loinc.org/93832-4/'],
  },
  {
    code: 'physical-activity',
    label: 'Physical activity',
    description:
      'Time spent in one bout of physical activity (a walk, a swim, a class), as a device or the person ' +
      'reports it; what the activity was goes in `detail` (for example `{"activity":"walking"}`).',
    category: 'healthy-living',
    kind: 'measure',
    measure: {
      unit: 'min',
      units: [
        { code: 'min', factor: 1 },
        { code: 'h', factor: 60 },
        { code: 's', factor: 1 / 60 },
      ],
      min: 0,
      max: 1440,
    },
    codes: {
      loinc: loinc('101691-4', 'Duration of physical activity'),
    },
    licence: null,
    sources: [
      'LOINC 101691-4 — https://loinc.org/101691-4/',
      'Open mHealth physical-activity schema (IEEE 1752.1) — https://www.openmhealth.org/documentation/#/schema-docs/schema-library',
    ],
  },
  {
    code: 'blood-glucose',
    label: 'Blood glucose',
    description: 'Amount of glucose in the blood, from a finger-prick meter, a sensor or a laboratory.',
    category: 'health-status',
    kind: 'measure',
    measure: {
      unit: 'mmol/L',
      units: [
        { code: 'mmol/L', factor: 1 },
        // Glucose molar mass 180.156 g/mol: 1 mmol/L = 18.016 mg/dL.
        { code: 'mg/dL', factor: 1 / 18.016 },
      ],
      min: 0.5,
      max: 60,
    },
    codes: {
      loinc: loinc('15074-8', 'Glucose [Moles/volume] in Blood'),
    },
    licence: null,
    sources: [
      'LOINC 15074-8 — https://loinc.org/15074-8/',
      'UCUM, Unified Code for Units of Measure (mmol/L, mg/dL) — https://ucum.org/ucum',
    ],
  },
  {
    code: 'blood-pressure',
    label: 'Blood pressure',
    description: 'Systolic and diastolic arterial blood pressure, taken together in one reading.',
    category: 'health-status',
    kind: 'measure',
    measure: {
      unit: 'mm[Hg]',
      units: [
        { code: 'mm[Hg]', factor: 1 },
        { code: 'kPa', factor: 7.50062 },
      ],
      min: 20,
      max: 300,
      components: [
        {
          code: 'systolic',
          label: 'Systolic',
          min: 40,
          max: 300,
          codes: { loinc: loinc('8480-6', 'Systolic blood pressure') },
        },
        {
          code: 'diastolic',
          label: 'Diastolic',
          min: 20,
          max: 200,
          codes: { loinc: loinc('8462-4', 'Diastolic blood pressure') },
        },
      ],
    },
    codes: {
      loinc: loinc('85354-9', 'Blood pressure panel with all children optional'),
    },
    licence: null,
    sources: [
      'HL7 FHIR R4 Vital Signs profile: blood pressure (LOINC 85354-9 with 8480-6 and 8462-4, UCUM mm[Hg]) — https://hl7.org/fhir/R4/bp.html',
      'LOINC 85354-9 — https://loinc.org/85354-9/',
    ],
  },
  {
    code: 'weight',
    label: 'Body weight',
    description: 'Body weight, measured on scales.',
    category: 'health-status',
    kind: 'measure',
    measure: {
      unit: 'kg',
      units: [
        { code: 'kg', factor: 1 },
        { code: 'g', factor: 0.001 },
        { code: '[lb_av]', factor: 0.45359237 },
        { code: '[stone_av]', factor: 6.35029318 },
      ],
      min: 0.2,
      max: 700,
    },
    codes: {
      loinc: loinc('29463-7', 'Body weight'),
      snomed: snomed('27113001', 'Body weight'),
    },
    licence: null,
    sources: [
      'HL7 FHIR R4 Vital Signs profile: body weight (LOINC 29463-7, UCUM kg, g, [lb_av]) — https://hl7.org/fhir/R4/bodyweight.html',
      'UCUM, Unified Code for Units of Measure ([lb_av] = 0.45359237 kg; [stone_av] = 14 [lb_av]) — https://ucum.org/ucum',
    ],
  },
  {
    code: 'bmi',
    label: 'Body mass index (BMI)',
    description: 'Weight in kilograms divided by the square of height in metres.',
    category: 'health-status',
    kind: 'measure',
    measure: {
      unit: 'kg/m2',
      units: [{ code: 'kg/m2', factor: 1 }],
      min: 5,
      max: 250,
    },
    codes: {
      loinc: loinc('39156-5', 'Body mass index (BMI) [Ratio]'),
    },
    licence: null,
    sources: [
      'HL7 FHIR R4 Vital Signs profile: BMI (LOINC 39156-5, UCUM kg/m2) — https://hl7.org/fhir/R4/bmi.html',
      'LOINC 39156-5 — https://loinc.org/39156-5/',
    ],
  },

  // ---------------------------------------------------------------- text
  {
    code: 'goal',
    label: 'Goal',
    description:
      'A goal in the person’s own words, with their own rating of progress from 0 (not started) to 10 ' +
      '(achieved) and a status (active, achieved, dropped). A later record that names the first one in `goalId` is a ' +
      'progress update of the same goal; the goal’s id is its first record’s id.',
    category: 'goals',
    categories: anyCategory('goals'),
    kind: 'text',
    text: {
      maxLength: 2000,
      progress: { min: 0, max: 10 },
      statuses: ['active', 'achieved', 'dropped'],
      series: true,
    },
    codes: {},
    meaningfulChange: noPublishedChange('increase', 'Progress is the person’s own 0–10 rating of their own goal: there is no published threshold.'),
    licence: null,
    sources: [],
  },
  {
    code: 'note',
    label: 'Note',
    description: 'A note in the person’s own words about what is happening or what matters to them.',
    category: 'notes',
    categories: anyCategory('notes'),
    kind: 'text',
    text: {
      maxLength: 20000,
    },
    codes: {},
    licence: null,
    sources: [],
  },
  {
    code: 'support-feedback',
    label: 'Feedback on support',
    description:
      'Is this helping me? The person’s own rating of the support an organisation gives them, from 0 (not at all) ' +
      'to 10 (a great deal), in their own words too, naming the organisation (`organisationId`). Shared like any ' +
      'other record, so the organisation sees it only if the person grants it.',
    category: 'wellbeing',
    // Feedback on a service belongs with whatever that service helps with.
    categories: anyCategory('wellbeing'),
    kind: 'text',
    text: {
      maxLength: 2000,
      rating: { min: 0, max: 10 },
      about: 'organisation',
    },
    codes: {},
    meaningfulChange: noPublishedChange('increase', 'The person’s own 0–10 rating of their support: there is no published threshold.'),
    licence: null,
    sources: [],
  },
  {
    code: 'need',
    label: 'Need',
    description:
      'A need in the person’s own words (somewhere to live, help with money, someone to talk to…), how pressing it is ' +
      'from 0 (not at all) to 10 (extremely), and its status. File it under the category it belongs to (home, money, ' +
      'safety…); it defaults to independent living.',
    category: 'independent-living',
    // A need belongs with whatever part of life it is about: home, money, safety, health…
    categories: anyCategory('independent-living'),
    kind: 'text',
    text: {
      maxLength: 2000,
      intensity: { min: 0, max: 10 },
      statuses: ['open', 'being-met', 'met', 'no-longer-needed'],
    },
    codes: {},
    meaningfulChange: noPublishedChange('decrease', 'Intensity is the person’s own 0–10 rating of their own need: there is no published threshold.'),
    licence: null,
    sources: [],
  },
];

/**
 * Every record type. A record may be filed only under a category its type lists, so a grant on
 * one category (say `goals`) never shows a score filed there by mistake (docs/categories.md).
 */
export const types: TypeDef[] = entries.map((t) => ({ ...t, categories: t.categories ?? [t.category] }));
