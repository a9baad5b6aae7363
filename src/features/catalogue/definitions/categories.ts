import type { CategoryDef } from '../model.js';

/**
 * Slice dimensions, after the Open Outcomes map (IPPR, 2014), plus `goals` and `notes`.
 *
 * The `domain` grouping below is our own: the published Open Outcomes map could not be
 * consulted when this file was written, so the domain names follow the shape of the
 * category list (health, independence, relationships, security, work and learning) and
 * must be checked against the map before they are relied on. `goals` and `notes` sit in
 * the "Personal" domain: what matters to the person and their own account of it.
 * Order is significant (it is the order the API serves).
 */
export const categories: CategoryDef[] = [
  {
    code: 'mental-wellbeing',
    label: 'Mental wellbeing',
    description: 'How someone is feeling and functioning in their mind, including mood and anxiety.',
    domain: 'Health and wellbeing',
  },
  {
    code: 'wellbeing',
    label: 'Wellbeing',
    description: 'How satisfied someone is with life overall and whether what they do feels worthwhile.',
    domain: 'Health and wellbeing',
  },
  {
    code: 'health-status',
    label: 'Health status',
    description: 'Measurements of the body such as heart rate, blood pressure, blood glucose and weight.',
    domain: 'Health and wellbeing',
  },
  {
    code: 'healthy-living',
    label: 'Healthy living',
    description: 'Day-to-day habits that keep a person well, such as moving about, sleeping and eating.',
    domain: 'Health and wellbeing',
  },
  {
    code: 'long-term-conditions',
    label: 'Long-term conditions',
    description: 'Living with and managing an ongoing illness or disability.',
    domain: 'Health and wellbeing',
  },
  {
    code: 'substance-use',
    label: 'Alcohol and drugs',
    description: 'Use of alcohol, tobacco or other drugs and progress in cutting down or stopping.',
    domain: 'Health and wellbeing',
  },
  {
    code: 'social-connections',
    label: 'Social connections',
    description: 'Relationships with family, friends and neighbours, and feelings of loneliness.',
    domain: 'Relationships and community',
  },
  {
    code: 'meaningful-activity',
    label: 'Meaningful activity',
    description: 'Spending time on things that matter to the person, such as hobbies, volunteering or caring.',
    domain: 'Independence and activity',
  },
  {
    code: 'can-do',
    label: 'Confidence and strengths',
    description: 'Belief in being able to handle things, and the strengths a person can draw on.',
    domain: 'Independence and activity',
  },
  {
    code: 'independent-living',
    label: 'Independent living',
    description: 'Managing everyday tasks and making choices about one’s own life with the right support.',
    domain: 'Independence and activity',
  },
  {
    code: 'home',
    label: 'Home',
    description: 'Having a settled, suitable place to live.',
    domain: 'Home, money and safety',
  },
  {
    code: 'money',
    label: 'Money',
    description: 'Income, benefits, debt and being able to cover the essentials.',
    domain: 'Home, money and safety',
  },
  {
    code: 'work',
    label: 'Work',
    description: 'Being in paid work and how that work is going.',
    domain: 'Work and learning',
  },
  {
    code: 'employability',
    label: 'Getting ready for work',
    description: 'Skills, experience and steps taken towards finding or returning to work.',
    domain: 'Work and learning',
  },
  {
    code: 'education',
    label: 'Learning',
    description: 'Taking part in education or training and the qualifications gained.',
    domain: 'Work and learning',
  },
  {
    code: 'safety',
    label: 'Safety',
    description: 'Feeling and being safe at home and out in the community.',
    domain: 'Home, money and safety',
  },
  {
    code: 'civic-involvement',
    label: 'Community involvement',
    description: 'Taking part in local life, having a say and contributing to the community.',
    domain: 'Relationships and community',
  },
  {
    code: 'goals',
    label: 'My goals',
    description: 'Goals the person has set in their own words, with their own rating of progress.',
    domain: 'Personal',
  },
  {
    code: 'notes',
    label: 'My notes',
    description: 'The person’s own account of what is happening and what matters to them.',
    domain: 'Personal',
  },
];
