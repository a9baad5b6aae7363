/**
 * Coded purposes of use (docs/api.md "Grants"). Kept as data, like the catalogue; `other` needs
 * the free-text purpose.
 */
export const purposes = [
  { code: 'direct-care', label: 'Direct care', description: 'Care and treatment of the person by the people looking after them.' },
  { code: 'social-prescribing', label: 'Social prescribing', description: 'Support from a link worker connecting the person with community activities and services.' },
  { code: 'care-coordination', label: 'Care coordination', description: 'Joining up the services around the person.' },
  { code: 'self-management', label: 'Self-management support', description: 'Helping the person manage their own health and wellbeing.' },
  { code: 'outcome-reporting', label: 'Outcome reporting', description: 'Counting outcomes across people, never showing one person’s rows.' },
  { code: 'research', label: 'Research', description: 'A study the person has agreed to take part in.' },
  { code: 'emergency', label: 'Emergency access', description: 'Break-glass reading in an emergency, under the person’s own policy; only the service grants it.' },
  { code: 'other', label: 'Other', description: 'Another purpose, stated in the free text.' },
] as const;

export type PurposeCode = (typeof purposes)[number]['code'];

export const purposeCodes: string[] = purposes.map((p) => p.code);
