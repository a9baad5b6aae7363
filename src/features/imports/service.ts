import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { contentDigester, openField, sealField } from '../../crypto/envelope.js';
import { canonicalJson } from '../../crypto/hash-chain.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import { ConflictError, NotFoundError, TesseraError, ValidationError, type FieldError } from '../../errors.js';
import type { GrantRow, ImportDigest, ImportJobRow, RecordRow, WriteEffects } from '../../storage/contract.js';
import { grantsAllowing } from '../../plugins/access.js';
import { logEntry } from '../access-log/entry.js';
import { publishAlerts } from '../alerts/service.js';
import type { ComposedRecord } from '../records/compose.js';
import { composeAll, sealComposed, sourceOf } from '../records/service.js';
import { composeSeries, type ComposedSeries } from '../series/compose.js';
import { asSeries, isSeriesReading, mergeSeries, type FreshReadings } from '../series/merge.js';
import { watchEffects, type Written } from '../watches/evaluate.js';
import { grantsCovering } from '../../core/slice.js';
import { appendGrantsFor } from '../records/supporter-service.js';
import { parseCsv } from './csv.js';
import type { Entry, Parsed, SeriesEntry } from './entries.js';
import { parseBundle } from './fhir-bundle.js';
import { parseDataPoints } from './omh.js';
import type { ImportFormat, ImportView } from './schemas.js';

/*
 * Imports into one person's store (docs/imports.md): parsed and checked entirely, then stored in
 * one transaction or not at all. Each entry's content has a keyed digest; an entry whose digest
 * the store already holds is skipped, so the same content imported twice adds nothing. Up to
 * SYNC_LIMIT entries are imported before the answer; larger imports answer 202 and run as a job
 * whose progress GET shows.
 */

/** Imports this size or smaller finish before the answer (201); larger ones run as a job (202). */
export const SYNC_LIMIT = 1_000;
/** Entries checked between turns of the event loop, so a large import does not stall other requests. */
const CHUNK = 2_000;
/** A job still running after this long was cut off by a restart: nothing of it was stored. */
const STALE_MS = 15 * 60_000;
/** How many errors a failed import keeps. */
const MAX_ERRORS = 100;

/** @returns the body's entries, by format, with every problem named */
export function parseImport(deps: Deps, format: ImportFormat, body: unknown): Parsed {
  if (format === 'csv') return parseCsv(body as string);
  if (format === 'fhir') return parseBundle({ base: deps.config.publicUrl.replace(/\/+$/, ''), catalogue: deps.catalogue }, body as Record<string, unknown>);
  return parseDataPoints(body);
}

/** An entry as a sentence names it: data points are numbered, other entries have a path. */
function entryName(field: string): string {
  return /^\d+$/.test(field) ? `data point ${field}` : field;
}

/** What an entry's digest covers: who imports it, and what the record holds after scoring and unit conversion. */
function digestText(importer: string, c: ComposedRecord): string {
  return canonicalJson({ a: importer, t: c.type, c: c.category, e: c.effectiveAt, v: c.content });
}

/** Whose store, and on what footing: the person's own (or their delegate's), or a supporter's grants. */
export interface ImportTarget {
  subjectId: string;
  through: 'own' | 'grants';
}

interface Started {
  view: ImportView;
  /** Settles when the import is done; present for imports that continue after the answer. */
  running?: Promise<void>;
}

/**
 * Starts an import into `subjectId`'s store by the person themselves or, under an append grant,
 * by a supporter. Small imports finish first; large ones continue in the background.
 * @throws ValidationError naming entries (nothing stored); ForbiddenError for an entry outside
 *   every append grant or the token's scopes
 */
export async function startImport(deps: Deps, actor: Actor, target: ImportTarget, format: ImportFormat, body: unknown): Promise<Started> {
  const { subjectId } = target;
  const parsed = parseImport(deps, format, body);
  if (parsed.errors.length) throw new ValidationError(parsed.errors.slice(0, MAX_ERRORS));
  const series = parsed.series ?? [];
  if (parsed.entries.length === 0 && series.length === 0) throw ValidationError.body('(root)', 'holds nothing to import');
  const now = deps.clock.now();
  const job: ImportJobRow = {
    id: timeOrderedId(now),
    subjectId,
    accountId: actor.accountId,
    format,
    status: 'running',
    // Readings of a series count one each, as `added` and `skipped` do.
    total: parsed.entries.length + series.reduce((n, e) => n + e.at.length, 0),
    processed: 0,
    added: 0,
    skipped: 0,
    sealedErrors: null,
    createdAt: now,
    finishedAt: null,
  };
  await deps.storage.imports.createJob(job);
  const run = runImport(deps, actor, target, job, parsed.entries, series, parsed.leftOut);
  if (job.total <= SYNC_LIMIT) {
    await run;
    return { view: await importStatus(deps, subjectId, actor.accountId, job.id) };
  }
  // The job records its own failure; nothing waits for it but the tests.
  const running = run.catch(() => undefined);
  return { view: await importStatus(deps, subjectId, actor.accountId, job.id), running };
}

async function fail(deps: Deps, job: ImportJobRow, e: unknown): Promise<never> {
  const errors: FieldError[] =
    e instanceof ValidationError ? e.errors.slice(0, MAX_ERRORS) : [{ field: '(import)', pointer: '', in: 'body', detail: e instanceof TesseraError ? e.message : 'the import failed; nothing was stored' }];
  const dek = await deps.dataKeys.forSubject(job.subjectId);
  await deps.storage.imports.fail(job.id, sealField(dek, job.subjectId, `import-errors:${job.id}`, JSON.stringify(errors)), deps.clock.now());
  throw e;
}

async function runImport(deps: Deps, actor: Actor, target: ImportTarget, job: ImportJobRow, entries: Entry[], seriesEntries: SeriesEntry[], leftOut: number): Promise<void> {
  try {
    // 1. Check and score everything, in chunks, keeping every error.
    const composed: ComposedRecord[] = [];
    const series: ComposedSeries[] = [];
    const errors: FieldError[] = [];
    const now = deps.clock.now();
    for (const e of seriesEntries) {
      try {
        series.push(composeSeries(deps.catalogue, e, now));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors.push(...err.errors);
      }
    }
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      try {
        composed.push(...composeAll(deps, part.map((e) => e.input), (k) => ({ field: part[k]!.field, pointer: `/${part[k]!.field.replace(/\./g, '/')}` })));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors.push(...e.errors);
      }
      if (job.total > SYNC_LIMIT) {
        await deps.storage.imports.progress(job.id, Math.min(i + CHUNK, entries.length));
        await yieldToLoop();
      }
    }
    if (errors.length) throw new ValidationError(errors);
    // 2. Leave out what the store (or this import) already holds, then store the rest at once.
    for (let attempt = 0; ; attempt++) {
      if (await storeNew(deps, actor, target.through === 'grants', job, entries, composed, series, leftOut)) return;
      if (attempt === 1) throw new ConflictError('Another import of the same entries was storing at the same time; import again');
    }
  } catch (e) {
    await fail(deps, job, e);
  }
}

/**
 * The append grants a series' readings lie in: one grant holding its first and last reading
 * holds all of them (a slice's window is one interval); otherwise each reading is checked.
 * @throws ForbiddenError for a reading outside every append grant or the token's scopes
 */
function seriesGrants(deps: Deps, actor: Actor, grants: GrantRow[], s: ComposedSeries, field: string): string[] {
  const at = (effectiveAt: number) => ({ category: s.category, type: s.type, effectiveAt });
  const ends = [at(s.at[0]!), at(s.at[s.at.length - 1]!)];
  const whole = grants.filter((g) => ends.every((e) => grantsCovering([g], e).length > 0));
  if (whole.length) return appendGrantsFor(deps, actor, whole, ends, () => field);
  return appendGrantsFor(deps, actor, grants, s.at.map(at), (i) => `${field}.${s.slots?.[i] ?? i}`);
}

async function storeNew(
  deps: Deps,
  actor: Actor,
  supporter: boolean,
  job: ImportJobRow,
  entries: Entry[],
  composed: ComposedRecord[],
  seriesIn: ComposedSeries[],
  leftOut: number,
): Promise<boolean> {
  const { subjectId } = job;
  // Grants are read again here, so a revocation during a long import still bites; every entry
  // must lie inside them, even one the store already holds (else `skipped` would tell).
  const grants = supporter ? await grantsAllowing(deps, actor, subjectId, 'append') : [];
  if (supporter) {
    appendGrantsFor(deps, actor, grants, composed, (i) => entryName(entries[i]!.field));
    for (const s of seriesIn) seriesGrants(deps, actor, grants, s, s.field ?? 'a series');
  }
  // Dense measures go into the writer's day chunks (docs/performance.md "Dense series"); what
  // cannot join a chunk stays a record, with the rest.
  const readings: ComposedRecord[] = [];
  const records: ComposedRecord[] = [];
  for (const c of composed) (isSeriesReading(deps.catalogue, c) ? readings : records).push(c);
  const series = await mergeSeries(deps, subjectId, sourceOf(actor), [...seriesIn, ...asSeries(readings)]);
  const others = records.concat(series.rest);
  // Digests are per importer: a supporter's import is compared with its own earlier ones only,
  // so it cannot learn what else the person's store holds.
  const dek = await deps.dataKeys.forSubject(subjectId);
  const digestOf = contentDigester(dek, subjectId);
  const digests = others.map((c) => digestOf(digestText(actor.accountId, c)));
  const known = new Set(await deps.storage.imports.known(subjectId, [...new Set(digests)]));
  const fresh: number[] = [];
  digests.forEach((d, i) => {
    if (known.has(d)) return;
    known.add(d);
    fresh.push(i);
  });
  const { rows, effects } = await sealComposed(deps, actor, subjectId, fresh.map((i) => others[i]!), undefined, { views: false });
  await addReadingEffects(deps, subjectId, dek, series.fresh, effects);
  // A supporter's import is a write through its grants, logged like an append, naming its
  // records and chunks; one that adds nothing (all of it imported before) wrote nothing to log.
  const added = rows.length + series.added;
  // The log names the grants that allowed what was stored (every entry passed the check above).
  const used = new Set<string>();
  if (supporter) {
    appendGrantsFor(deps, actor, grants, rows, () => 'an imported entry').forEach((g) => used.add(g));
    for (const f of series.fresh) seriesGrants(deps, actor, grants, { ...f.chunk, unit: '', at: f.at, values: f.values }, 'a reading').forEach((g) => used.add(g));
  }
  const log =
    supporter && added > 0
      ? logEntry(actor, subjectId, 'records.append', deps.clock.now(), {
          grantIds: [...used],
          recordIds: [...rows.map((r) => r.id), ...series.chunks.map((c) => c.id)],
          query: { import: job.id, format: job.format, count: added },
        })
      : null;
  const pairs: ImportDigest[] = rows.map((r, k) => ({ digest: digests[fresh[k]!]!, recordId: r.id }));
  const skipped = job.total - added + leftOut;
  const stored = await deps.storage.imports.store({ id: job.id, subjectId, added, skipped, now: deps.clock.now() }, rows, pairs, log, effects, series.chunks);
  if (stored) publishAlerts(deps, effects.alerts);
  return stored;
}

/**
 * Watches see every new series reading (each as its chunk, at its own moment); the objects are
 * made only for types someone watches, so an unwatched day of readings costs nothing here.
 */
async function addReadingEffects(deps: Deps, subjectId: string, dek: Uint8Array, fresh: FreshReadings[], effects: WriteEffects): Promise<void> {
  if (fresh.length === 0) return;
  const watched = new Set((await deps.storage.watches.listForSubject(subjectId)).map((w) => w.type));
  const written: Written[] = [];
  for (const f of fresh) {
    if (!watched.has(f.chunk.type)) continue;
    const { chunk } = f;
    f.at.forEach((effectiveAt, i) => {
      const row: RecordRow = { ...chunk, effectiveAt, schemaVersion: 0 };
      written.push({ row, content: { value: f.values[i]! }, reading: true });
    });
  }
  if (written.length === 0) return;
  const more = await watchEffects(deps, subjectId, dek, written);
  effects.alerts.push(...more.alerts);
  effects.logs.push(...more.logs);
  effects.deliveries.push(...more.deliveries);
}

/**
 * An import's status, for whoever started it.
 * @throws NotFoundError for an import of someone else, or none
 */
export async function importStatus(deps: Deps, subjectId: string, accountId: string, id: string): Promise<ImportView> {
  const job = await deps.storage.imports.getJob(subjectId, id);
  if (!job || job.accountId !== accountId) throw new NotFoundError('No such import');
  const now = deps.clock.now();
  const stale = job.status === 'running' && now - job.createdAt > STALE_MS;
  const view: ImportView = {
    id: job.id,
    status: stale ? 'failed' : job.status,
    format: job.format,
    total: job.total,
    processed: job.processed,
    added: job.added,
    skipped: job.skipped,
    createdAt: iso(job.createdAt),
    finishedAt: isoOrNull(job.finishedAt),
  };
  if (stale) view.errors = [{ field: '(import)', detail: 'the import was cut off (the service restarted); nothing was stored: import again' }];
  if (job.sealedErrors) {
    const errors = JSON.parse(openField(await deps.dataKeys.forSubject(subjectId), subjectId, `import-errors:${job.id}`, job.sealedErrors)) as FieldError[];
    view.errors = errors.map((e) => ({ field: e.field, detail: e.detail }));
  }
  return view;
}
