import type { Deps } from '../../core/deps.js';
import { supportedScopes } from '../../core/smart-scopes.js';
import { assertionAlgorithms } from '../../crypto/client-keys.js';
import type { Resource } from './resources.js';

/** What the FHIR API answers with, and the search parameters each type takes (docs/fhir.md). */
const recordSearchParams = [
  { name: 'patient', type: 'reference', documentation: 'The person (Patient/{subjectId}); required for supporters' },
  { name: 'code', type: 'token', documentation: 'LOINC, SNOMED CT or Tessera record-type codes' },
  { name: 'category', type: 'token', documentation: 'Tessera categories (CodeSystem/category) or observation categories' },
  { name: 'date', type: 'date', documentation: 'When it happened (effectiveAt), with eq, ge, gt, le, lt' },
  { name: '_count', type: 'number', documentation: 'Page size, 1–500' },
  { name: '_sort', type: 'string', documentation: 'date or -date (default)' },
];

function base(deps: Deps): string {
  return deps.config.publicUrl.replace(/\/+$/, '');
}

/**
 * The CapabilityStatement at `/fhir/r4/metadata`: the resources and searches served, SMART
 * Backend Services security with the token endpoint (the `oauth-uris` extension) and the scopes,
 * and the Bulk Data Group export.
 */
export function capabilityStatement(deps: Deps, version: string): Resource {
  const b = base(deps);
  const search = (type: string, documentation: string, read = false) => ({
    type,
    documentation,
    // Observation and Goal ids are their records' ids, so a search entry's fullUrl reads back.
    interaction: read ? [{ code: 'read' }, { code: 'search-type' }] : [{ code: 'search-type' }],
    searchParam: recordSearchParams,
  });
  return {
    resourceType: 'CapabilityStatement',
    id: 'tessera',
    url: `${b}/fhir/r4/metadata`,
    name: 'Tessera',
    title: 'Tessera FHIR R4 API',
    status: 'active',
    date: '2026-12-01',
    publisher: 'Tessera',
    description: 'Granted slices of people’s own stores, as FHIR R4 resources, for GP and provider systems.',
    kind: 'instance',
    instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    software: { name: 'Tessera', version },
    implementation: { description: 'Tessera', url: `${b}/fhir/r4` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Every read is limited by the person’s live grants and logged in their access log.',
        security: {
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'token', valueUri: `${b}/v1/token` },
                { url: 'revoke', valueUri: `${b}/v1/token/revoke` },
              ],
            },
          ],
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'SMART Backend Services' }],
          description:
            'OAuth 2.0 bearer tokens from /v1/token: client_credentials with private_key_jwt (SMART Backend Services) for systems, ' +
            `password for practitioners. SMART v2 scopes narrow what grants allow: ${supportedScopes().join(' ')}.`,
        },
        resource: [
          { type: 'Patient', documentation: 'The person: id and, for themselves, their name', interaction: [{ code: 'read' }] },
          search('Observation', 'Questionnaire scores, measures and notes', true),
          search('QuestionnaireResponse', 'Questionnaire answers'),
          search('Goal', 'Goals in the person’s words, with self-rated progress', true),
          {
            type: 'Consent',
            documentation: 'The person’s own grants (citizens only)',
            interaction: [{ code: 'search-type' }],
            searchParam: [
              { name: 'patient', type: 'reference' },
              { name: '_count', type: 'number' },
            ],
          },
          {
            type: 'Group',
            documentation: 'An organisation’s caseload: the people whose organisation grants reach the caller',
            operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' }],
          },
        ],
      },
    ],
  };
}

/** SMART App Launch 2.0 discovery (`.well-known/smart-configuration`), for Backend Services. */
export function smartConfiguration(deps: Deps) {
  const b = base(deps);
  return {
    issuer: b,
    jwks_uri: `${b}/.well-known/jwks.json`,
    token_endpoint: `${b}/v1/token`,
    revocation_endpoint: `${b}/v1/token/revoke`,
    grant_types_supported: ['client_credentials', 'password', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...assertionAlgorithms],
    scopes_supported: supportedScopes(),
    response_types_supported: [] as string[],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}
