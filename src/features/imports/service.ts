import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { contentDigester, openField, sealField } from '../../crypto/envelope.js';
import { canonicalJson } from '../../crypto/hash-chain.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import { ConflictError, NotFoundError, TesseraError, ValidationError, type FieldError } from '../../errors.js';
import type { ImportDigest, ImportJobRow } from '../../storage/contract.js';
import { grantsAllowing } from '../../plugins/access.js';
import { logEntry } from '../access-log/entry.js';
import { publishAlerts } from '../alerts/service.js';
import type { ComposedRecord } from '../records/compose.js';
import { composeAll, sealComposed, sourceOf } from '../records/service.js';
import { isSeriesReading, mergeSeries } from '../series/merge.js';
import { watchEffects } from '../watches/evaluate.js';
import { appendGrantsFor } from '../records/supporter-service.js';
import { parseCsv } from './csv.js';
import type { Entry, Parsed } from './entries.js';
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
  if (parsed.entries.length === 0) throw ValidationError.body('(root)', 'holds nothing to import');
  const now = deps.clock.now();
  const job: ImportJobRow = {
    id: timeOrderedId(now),
    subjectId,
    accountId: actor.accountId,
    format,
    status: 'running',
    total: parsed.entries.length,
    processed: 0,
    added: 0,
    skipped: 0,
    sealedErrors: null,
    createdAt: now,
    finishedAt: null,
  };
  await deps.storage.imports.createJob(job);
  const run = runImport(deps, actor, target, job, parsed.entries, parsed.leftOut);
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

async function runImport(deps: Deps, actor: Actor, target: ImportTarget, job: ImportJobRow, entries: Entry[], leftOut: number): Promise<void> {
  try {
    // 1. Check and score everything, in chunks, keeping every error.
    const composed: ComposedRecord[] = [];
    const errors: FieldError[] = [];
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      try {
        composed.push(...composeAll(deps, part.map((e) => e.input), (k) => ({ field: part[k]!.field, pointer: `/${part[k]!.field.replace(/\./g, '/')}` })));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors.push(...e.errors);
      }
      if (entries.length > SYNC_LIMIT) {
        await deps.storage.imports.progress(job.id, Math.min(i + CHUNK, entries.length));
        await yieldToLoop();
      }
    }
    if (errors.length) throw new ValidationError(errors);
    // 2. Leave out what the store (or this import) already holds, then store the rest at once.
    for (let attempt = 0; ; attempt++) {
      if (await storeNew(deps, actor, target.through === 'grants', job, entries, composed, leftOut)) return;
      if (attempt === 1) throw new ConflictError('Another import of the same entries was storing at the same time; import again');
    }
  } catch (e) {
    await fail(deps, job, e);
  }
}

async function storeNew(deps: Deps, actor: Actor, supporter: boolean, job: ImportJobRow, entries: Entry[], composed: ComposedRecord[], leftOut: number): Promise<boolean> {
  const { subjectId } = job;
  // Grants are read again here, so a revocation during a long import still bites; every entry
  // must lie inside them, even one the store already holds (else `skipped` would tell).
  const grants = supporter ? await grantsAllowing(deps, actor, subjectId, 'append') : [];
  if (supporter) appendGrantsFor(deps, actor, grants, composed, (i) => entryName(entries[i]!.field));
  // Dense measures go into the writer's day chunks (docs/performance.md "Dense series"); what
  // cannot join a chunk stays a record, with the rest.
  const series = await mergeSeries(deps, subjectId, sourceOf(actor), composed.filter((c) => isSeriesReading(deps.catalogue, c)));
  const others = composed.filter((c) => !isSeriesReading(deps.catalogue, c)).concat(series.rest);
  // Digests are per importer: a supporter's import is compared with its own earlier ones only,
  // so it cannot learn what else the person's store holds.
  const digestOf = contentDigester(await deps.dataKeys.forSubject(subjectId), subjectId);
  const digests = others.map((c) => digestOf(digestText(actor.accountId, c)));
  const known = new Set(await deps.storage.imports.known(subjectId, [...new Set(digests)]));
  const fresh: number[] = [];
  digests.forEach((d, i) => {
    if (known.has(d)) return;
    known.add(d);
    fresh.push(i);
  });
  const { rows, effects } = await sealComposed(deps, actor, subjectId, fresh.map((i) => others[i]!), undefined, { views: false });
  const readingEffects = await watchEffects(deps, subjectId, await deps.dataKeys.forSubject(subjectId), series.written);
  effects.alerts.push(...readingEffects.alerts);
  effects.logs.push(...readingEffects.logs);
  effects.deliveries.push(...readingEffects.deliveries);
  // A supporter's import is a write through its grants, logged like an append, naming its
  // records and chunks; one that adds nothing (all of it imported before) wrote nothing to log.
  const added = rows.length + series.added;
  const written = [...rows, ...series.written.map((w) => w.row)];
  const log =
    supporter && added > 0
      ? logEntry(actor, subjectId, 'records.append', deps.clock.now(), {
          // Every entry passed the check above; this only names the grants that allowed them.
          grantIds: appendGrantsFor(deps, actor, grants, written, () => 'an imported entry'),
          recordIds: [...rows.map((r) => r.id), ...series.chunks.map((c) => c.id)],
          query: { import: job.id, format: job.format, count: added },
        })
      : null;
  const pairs: ImportDigest[] = rows.map((r, k) => ({ digest: digests[fresh[k]!]!, recordId: r.id }));
  const skipped = composed.length - added + leftOut;
  const stored = await deps.storage.imports.store({ id: job.id, subjectId, added, skipped, now: deps.clock.now() }, rows, pairs, log, effects, series.chunks);
  if (stored) publishAlerts(deps, effects.alerts);
  return stored;
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
