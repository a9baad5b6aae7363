import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../errors.js';
import type { TypeDefinitionRow, TypeOwner } from '../../storage/contract.js';
import type { Catalogue } from './catalogue.js';
import type { BespokeTypeInput } from './bespoke-schemas.js';
import type { TypeDef } from './model.js';

/**
 * Bespoke measures (docs/outcomes.md "Bespoke measures"): questionnaires an organisation's
 * manager (or the operator) or a person defines as data, draft then publish. A published version
 * is frozen; a change is a new version. Records are scored by the version they were made with
 * and carry it as `typeVersion`.
 */

/** Codes of a person's own measures start with this; organisations' never do. */
export const PERSONAL_PREFIX = 'my-';

/** How long a running app trusts its copy of the organisations' published measures. */
const REFRESH_MS = 2_000;

function fieldOfDefinition(rowId: string): string {
  return `type-definition:${rowId}`;
}

/**
 * Checks a definition beyond its schema: a code of the right namespace, a known category, items
 * numbered in order, answer labels and flags inside the item range, bands inside the score range
 * and apart from each other.
 * @returns the score range the definition implies
 * @throws ValidationError naming each bad field
 */
function checkDefinition(catalogue: Catalogue, input: BespokeTypeInput, personal: boolean): { scoreMin: number; scoreMax: number } {
  const errors: FieldError[] = [];
  const err = (field: string, detail: string) => errors.push({ field, pointer: `/${field.replace(/\./g, '/')}`, in: 'body', detail });
  const q = input.questionnaire;
  if (catalogue.isBuiltIn(input.code)) err('code', `"${input.code}" is a built-in type`);
  if (personal && !input.code.startsWith(PERSONAL_PREFIX)) err('code', `a personal measure's code starts with "${PERSONAL_PREFIX}"`);
  if (!personal && input.code.startsWith(PERSONAL_PREFIX)) err('code', `codes starting with "${PERSONAL_PREFIX}" are kept for personal measures`);
  if (!catalogue.category(input.category)) err('category', `unknown category "${input.category}"; see /v1/catalogue/categories`);
  if (q.itemMax <= q.itemMin) err('questionnaire.itemMax', 'must be above itemMin');
  q.items.forEach((item, i) => {
    if (item.n !== i + 1) err(`questionnaire.items.${i}.n`, `must be ${i + 1}: items are numbered in order from 1`);
    const seen = new Set<number>();
    (item.answers ?? []).forEach((a, j) => {
      if (a.value < q.itemMin || a.value > q.itemMax) err(`questionnaire.items.${i}.answers.${j}.value`, `must be from ${q.itemMin} to ${q.itemMax}`);
      if (seen.has(a.value)) err(`questionnaire.items.${i}.answers.${j}.value`, 'labels the same answer twice');
      seen.add(a.value);
    });
  });
  const n = q.items.length;
  const scoreMin = q.scoring.total === 'sum' ? n * q.itemMin : q.itemMin;
  const scoreMax = q.scoring.total === 'sum' ? n * q.itemMax : q.itemMax;
  if (q.scoring.scoreMin !== undefined && q.scoring.scoreMin !== scoreMin) err('questionnaire.scoring.scoreMin', `must be ${scoreMin}, the lowest possible ${q.scoring.total}`);
  if (q.scoring.scoreMax !== undefined && q.scoring.scoreMax !== scoreMax) err('questionnaire.scoring.scoreMax', `must be ${scoreMax}, the highest possible ${q.scoring.total}`);
  const bands = [...(q.scoring.bands ?? [])].map((b, i) => ({ ...b, i })).sort((a, b) => a.min - b.min);
  const codes = new Set<string>();
  for (const [k, b] of bands.entries()) {
    const at = `questionnaire.scoring.bands.${b.i}`;
    if (b.min > b.max) err(`${at}.max`, 'must not be below min');
    if (b.min < scoreMin || b.max > scoreMax) err(at, `must lie within the score range ${scoreMin}–${scoreMax}`);
    if (k > 0 && b.min <= bands[k - 1]!.max) err(at, `overlaps band "${bands[k - 1]!.code}"`);
    if (codes.has(b.code)) err(`${at}.code`, 'is used by another band');
    codes.add(b.code);
  }
  (q.flags ?? []).forEach((f, i) => {
    if (f.item > n) err(`questionnaire.flags.${i}.item`, `must be an item from 1 to ${n}`);
  });
  const t = input.meaningfulChange?.threshold;
  if (t !== undefined && t !== null && t <= 0) err('meaningfulChange.threshold', 'must be above 0, or null');
  if (errors.length) throw new ValidationError(errors);
  return { scoreMin, scoreMax };
}

/** The catalogue entry of a stored version. */
function toTypeDef(row: TypeDefinitionRow, input: BespokeTypeInput, organisationName?: string): TypeDef {
  const owner: NonNullable<TypeDef['owner']> = row.organisationId
    ? { organisationId: row.organisationId, ...(organisationName ? { organisationName } : {}) }
    : { subjectId: row.subjectId! };
  const def: TypeDef = {
    code: input.code,
    label: input.label,
    description: input.description,
    category: input.category,
    categories: [input.category],
    kind: 'questionnaire',
    questionnaire: input.questionnaire,
    codes: {},
    licence: input.licence ?? null,
    sources: input.sources ?? [],
    owner,
    version: row.version,
    status: row.status,
  };
  if (input.meaningfulChange) def.meaningfulChange = input.meaningfulChange;
  return def;
}

async function readDefinition(deps: Deps, row: TypeDefinitionRow): Promise<BespokeTypeInput> {
  if (row.definition !== null) return JSON.parse(row.definition) as BespokeTypeInput;
  const dek = await deps.dataKeys.forSubject(row.subjectId!);
  return JSON.parse(openField(dek, row.subjectId!, fieldOfDefinition(row.id), row.sealedDefinition!)) as BespokeTypeInput;
}

/** When each running catalogue last loaded the published measures (one per app). */
const refreshedAt = new WeakMap<Catalogue, number>();

/**
 * Reloads the organisations' published measures into the running catalogue when its copy is
 * older than two seconds (or when `force`). Published versions never change, so a copy can only
 * lack a version published on another instance in the last two seconds.
 */
export async function refreshBespoke(deps: Deps, force = false): Promise<void> {
  const now = Date.now();
  if (!force && now - (refreshedAt.get(deps.catalogue) ?? -Infinity) < REFRESH_MS) return;
  refreshedAt.set(deps.catalogue, now);
  const rows = await deps.storage.typeDefinitions.publishedOrganisationTypes();
  const names = new Map<string, string>();
  const defs: TypeDef[] = [];
  for (const row of rows) {
    if (!names.has(row.organisationId!)) names.set(row.organisationId!, (await deps.storage.organisations.get(row.organisationId!))?.name ?? '');
    defs.push(toTypeDef(row, await readDefinition(deps, row), names.get(row.organisationId!)));
  }
  deps.catalogue.setBespoke(defs);
}

/**
 * The catalogue as one person sees it: with their own published measures. Records they write,
 * their lists, trends and exports, and the grants they give use it.
 */
export async function catalogueFor(deps: Deps, subjectId: string): Promise<Catalogue> {
  const rows = (await deps.storage.typeDefinitions.listForOwner({ subjectId })).filter((r) => r.status === 'published');
  if (rows.length === 0) return deps.catalogue;
  return deps.catalogue.withPersonal(await Promise.all(rows.map(async (r) => toTypeDef(r, await readDefinition(deps, r)))));
}

/** {@link catalogueFor}, looked up only when some of `codes` are a person's own (keeps the hot paths to one catalogue). */
export async function catalogueForCodes(deps: Deps, subjectId: string, codes: readonly string[]): Promise<Catalogue> {
  return codes.some((c) => c.startsWith(PERSONAL_PREFIX)) ? catalogueFor(deps, subjectId) : deps.catalogue;
}

/** The operator, or a `manager` practitioner of the organisation, may define its measures. */
async function checkManager(deps: Deps, actor: Actor, orgId: string): Promise<void> {
  if (actor.kind === 'practitioner') {
    const me = await deps.storage.accounts.findById(actor.accountId);
    if (actor.organisationId !== orgId || me?.role !== 'manager') throw new ForbiddenError('Only the operator or a manager of this organisation may define its measures');
    return;
  }
  if (!(await deps.storage.organisations.get(orgId))) throw new NotFoundError('No such organisation');
}

async function saveDraft(deps: Deps, actor: Actor, owner: TypeOwner, input: BespokeTypeInput): Promise<TypeDef> {
  const personal = 'subjectId' in owner;
  const range = checkDefinition(deps.catalogue, input, personal);
  const stored: BespokeTypeInput = { ...input, questionnaire: { ...input.questionnaire, scoring: { ...input.questionnaire.scoring, ...range } } };
  const id = randomUUID();
  const text = JSON.stringify(stored);
  const sealed = personal ? sealField(await deps.dataKeys.forSubject(owner.subjectId), owner.subjectId, fieldOfDefinition(id), text) : null;
  const row = await deps.storage.typeDefinitions.saveDraft(
    owner,
    { code: input.code, definition: personal ? null : text, sealedDefinition: sealed, createdBy: actor.accountId, createdAt: deps.clock.now() },
    id,
  );
  if (row === 'taken') throw ValidationError.body('code', `"${input.code}" is another organisation's measure`);
  return toTypeDef(row, stored);
}

async function publish(deps: Deps, owner: TypeOwner, code: string): Promise<TypeDef> {
  const row = await deps.storage.typeDefinitions.publish(owner, code, deps.clock.now());
  if (!row) throw new NotFoundError(`No draft of "${code}" to publish`);
  if ('organisationId' in owner) await refreshBespoke(deps, true);
  return toTypeDef(row, await readDefinition(deps, row));
}

async function list(deps: Deps, owner: TypeOwner): Promise<{ items: TypeDef[] }> {
  const rows = await deps.storage.typeDefinitions.listForOwner(owner);
  return { items: await Promise.all(rows.map(async (r) => toTypeDef(r, await readDefinition(deps, r)))) };
}

export async function defineOrganisationType(deps: Deps, actor: Actor, orgId: string, input: BespokeTypeInput): Promise<TypeDef> {
  await checkManager(deps, actor, orgId);
  return saveDraft(deps, actor, { organisationId: orgId }, input);
}

export async function publishOrganisationType(deps: Deps, actor: Actor, orgId: string, code: string): Promise<TypeDef> {
  await checkManager(deps, actor, orgId);
  return publish(deps, { organisationId: orgId }, code);
}

export async function listOrganisationTypes(deps: Deps, actor: Actor, orgId: string): Promise<{ items: TypeDef[] }> {
  await checkManager(deps, actor, orgId);
  return list(deps, { organisationId: orgId });
}

export async function definePersonalType(deps: Deps, actor: Actor, subjectId: string, input: BespokeTypeInput): Promise<TypeDef> {
  return saveDraft(deps, actor, { subjectId }, input);
}

export async function publishPersonalType(deps: Deps, subjectId: string, code: string): Promise<TypeDef> {
  return publish(deps, { subjectId }, code);
}

export async function listPersonalTypes(deps: Deps, subjectId: string): Promise<{ items: TypeDef[] }> {
  return list(deps, { subjectId });
}
