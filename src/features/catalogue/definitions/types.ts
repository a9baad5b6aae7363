import type { BandDef, Code, TypeDef } from '../model.js';

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

export const types: TypeDef[] = [
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
    licence: WARWICK_LICENCE,
    meaningfulChange: {
      score: 3,
      source: 'Maheswaran H, Weich S, Powell J, Stewart-Brown S (2012) Evaluating the responsiveness of the Warwick Edinburgh Mental Well-Being Scale (WEMWBS): group and individual level analysis. Health Qual Life Outcomes 10:156 — https://doi.org/10.1186/1477-7525-10-156',
    },
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
        { n: 4, label: 'Anxiety yesterday', bands: onsAnxietyBands },
      ],
      scoring: {
        total: 'none',
      },
    },
    codes: {},
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
    licence: PHQ_LICENCE,
    meaningfulChange: {
      score: 5,
      source: 'Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K (2004) Monitoring depression treatment outcomes with the Patient Health Questionnaire-9. Med Care 42(12):1194–1201 — https://doi.org/10.1097/00005650-200412000-00006',
    },
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
    licence: PHQ_LICENCE,
    meaningfulChange: {
      score: 4,
      source: 'Toussaint A et al. (2020) Sensitivity to change and minimal clinically important difference of the 7-item Generalized Anxiety Disorder Questionnaire (GAD-7). J Affect Disord 265:395–401 — https://doi.org/10.1016/j.jad.2020.01.032',
    },
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
    licence:
      'No licence or registration process is published for the three-item scale; it is printed in ' +
      'Hughes et al. (2004) and recommended by ONS for public surveys. Cite the source when using it.',
    sources: [
      'Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT (2004) A short scale for measuring loneliness in large surveys. Res Aging 26(6):655–672 — https://doi.org/10.1177/0164027504268574',
      'ONS, Measuring loneliness: guidance for use of the national indicators on surveys — https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/measuringlonelinessguidanceforuseofthenationalindicatorsonsurveys',
      'GSS Harmonisation, Loneliness harmonised standard (items and response options) — https://analysisfunction.civilservice.gov.uk/policy-store/loneliness-indicators/',
    ],
  },

  // ---------------------------------------------------------------- measures
  {
    code: 'heart-rate',
    label: 'Heart rate',
    description: 'Heart beats per minute, from a wearable, a monitor or counted by hand.',
    category: 'health-status',
    kind: 'measure',
    measure: {
      unit: '/min',
      units: [
        { code: '/min', factor: 1 },
        { code: '{beats}/min', factor: 1 },
      ],
      min: 20,
      max: 300,
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
      '(achieved).',
    category: 'goals',
    kind: 'text',
    text: {
      maxLength: 2000,
      progress: { min: 0, max: 10 },
    },
    codes: {},
    licence: null,
    sources: [],
  },
  {
    code: 'note',
    label: 'Note',
    description: 'A note in the person’s own words about what is happening or what matters to them.',
    category: 'notes',
    kind: 'text',
    text: {
      maxLength: 20000,
    },
    codes: {},
    licence: null,
    sources: [],
  },
];
