import { subjectOf, type Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { catalogueFor } from '../catalogue/bespoke.js';
import { iso } from '../../core/time.js';
import { currentCheckpoint } from '../access-log/checkpoints.js';
import { logEntry } from '../access-log/entry.js';
import type { LogEntryView } from '../access-log/schemas.js';
import { listAccessLog } from '../access-log/service.js';
import type { AccessRequestView } from '../access-requests/schemas.js';
import { listRequests } from '../access-requests/service.js';
import { describeMe } from '../accounts/service.js';
import type { GrantView } from '../grants/schemas.js';
import { listOwnGrants } from '../grants/service.js';
import type { RecordView } from '../records/schemas.js';
import { listRecords, ownScope, toRecordQuery } from '../records/service.js';
import type { WatchView } from '../watches/schemas.js';
import { listWatchesOnMe } from '../watches/service.js';
import { consentResource, entryJson, patientResource, recordResources, type FhirContext } from '../fhir/resources.js';
import { granteeKind } from '../fhir/people.js';
import type { ExportFormat, ExportSubject } from './schemas.js';

/**
 * Page size for every list read during an export. Memory is bounded by one page of opened
 * records (plus what the stream buffers), whatever the size of the person's store.
 */
const PAGE = 500;

/**
 * How each item is written in the `json` format: by the same response schemas the list
 * endpoints answer with, so the export holds exactly what the API shows and no stray field.
 */
export interface Serialisers {
  record(v: RecordView): string;
  grant(v: GrantView): string;
  accessRequest(v: AccessRequestView): string;
  watch(v: WatchView): string;
  logEntry(v: LogEntryView): string;
}

/** How an export is labelled on the wire. */
export interface ExportHeaders {
  filename: string;
  contentType: string;
}

export interface Export extends ExportHeaders {
  /** The document, in pieces of at most one page of items each. */
  body: AsyncGenerator<string>;
}

/** The file name and media type of an export in `format` made at `at` (epoch ms). */
export function exportHeaders(format: ExportFormat, at: number): ExportHeaders {
  const day = iso(at).slice(0, 10);
  return format === 'fhir'
    ? { filename: `tessera-export-${day}.fhir.json`, contentType: 'application/fhir+json; charset=utf-8' }
    : { filename: `tessera-export-${day}.json`, contentType: 'application/json; charset=utf-8' };
}

type Page<T> = { items: T[]; nextCursor: string | null };

/** Walks a cursor-paginated list page by page. */
async function* pages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    if (page.items.length) yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

function recordPages(deps: Deps, subjectId: string): AsyncGenerator<RecordView[]> {
  const scope = ownScope(subjectId);
  return pages(async (cursor) => {
    const { items, nextCursor } = await listRecords(deps, scope, toRecordQuery(deps, { limit: PAGE, ...(cursor ? { cursor } : {}) }));
    return { items, nextCursor };
  });
}

/** One JSON array member per line, so line-oriented tools can split the arrays. */
async function* jsonArray<T>(name: string, source: AsyncIterable<T[]>, write: (v: T) => string, last = false): AsyncGenerator<string> {
  yield `${JSON.stringify(name)}:[`;
  let empty = true;
  for await (const items of source) {
    let chunk = '';
    for (const item of items) {
      chunk += (empty ? '\n' : ',\n') + write(item);
      empty = false;
    }
    yield chunk;
  }
  yield `${empty ? ']' : '\n]'}${last ? '' : ','}\n`;
}

/** Where an export stands in the person's chain: the head (its own entry) and a signed checkpoint of it. */
interface ExportAnchor {
  logHead: { seq: number; hash: string };
  checkpoint: string;
}

async function* jsonDocument(deps: Deps, subject: ExportSubject, exportId: string, exportedAt: string, anchor: ExportAnchor, s: Serialisers): AsyncGenerator<string> {
  const { subjectId } = subject;
  yield `{"format":"tessera-export","version":1,"exportId":${JSON.stringify(exportId)},"exportedAt":${JSON.stringify(exportedAt)},` +
    `"logHead":${JSON.stringify(anchor.logHead)},"checkpoint":${JSON.stringify(anchor.checkpoint)},` +
    `"subject":${JSON.stringify(subject)},\n`;
  yield* jsonArray('records', recordPages(deps, subjectId), s.record);
  yield* jsonArray('grants', pages((cursor) => listOwnGrants(deps, subjectId, { limit: PAGE, ...(cursor ? { cursor } : {}) })), s.grant);
  yield* jsonArray('accessRequests', pages((cursor) => listRequests(deps, subjectId, { limit: PAGE, ...(cursor ? { cursor } : {}) })), s.accessRequest);
  yield* jsonArray('watches', pages((cursor) => listWatchesOnMe(deps, subjectId, { limit: PAGE, ...(cursor ? { cursor } : {}) })), s.watch);
  yield* jsonArray('accessLog', pages((cursor) => listAccessLog(deps, subjectId, { limit: PAGE, ...(cursor ? { cursor } : {}) })), s.logEntry, true);
  yield '}\n';
}

async function* fhirBundle(deps: Deps, subject: ExportSubject, exportId: string, exportedAt: string, anchor: ExportAnchor): AsyncGenerator<string> {
  const { subjectId } = subject;
  const ctx: FhirContext = { base: deps.config.publicUrl.replace(/\/+$/, ''), catalogue: await catalogueFor(deps, subjectId), subjectId, refs: 'bundle' };
  const head = {
    resourceType: 'Bundle',
    id: exportId,
    // Bundle has no extensions of its own; its meta does. The JWS is a signed checkpoint of the
    // person's access-log head, this export's own entry (docs/export.md).
    meta: { extension: [{ url: `${ctx.base}/fhir/StructureDefinition/access-log-checkpoint`, valueString: anchor.checkpoint }] },
    identifier: { system: `${ctx.base}/fhir/NamingSystem/export`, value: exportId },
    type: 'collection',
    timestamp: exportedAt,
  };
  // The Patient comes first, so every later entry starts with a separator.
  yield `${JSON.stringify(head).slice(0, -1)},"entry":[\n${entryJson(patientResource(ctx, subject.displayName))}`;
  for await (const grants of pages((cursor) => listOwnGrants(deps, subjectId, { limit: PAGE, ...(cursor ? { cursor } : {}) }))) {
    const kinds = await Promise.all(grants.map((g) => granteeKind(deps, g)));
    yield grants.map((g, i) => `,\n${entryJson(consentResource(ctx, g, kinds[i]!))}`).join('');
  }
  for await (const records of recordPages(deps, subjectId)) {
    let chunk = '';
    for (const r of records) for (const resource of recordResources(ctx, r)) chunk += `,\n${entryJson(resource)}`;
    yield chunk;
  }
  yield '\n]}\n';
}

/**
 * Starts an export of everything Tessera holds about the caller. The access-log entry is
 * written first: an export that cannot be logged is not served. The body is produced lazily,
 * page by page, as the caller reads it.
 * @param serialisers how `json` items are written (the list endpoints' response schemas)
 */
export async function startExport(deps: Deps, actor: Actor, format: ExportFormat, serialisers: Serialisers): Promise<Export> {
  const subjectId = subjectOf(actor);
  const me = await describeMe(deps, actor);
  const subject: ExportSubject = { subjectId, accountId: me.accountId, handle: me.handle, displayName: me.displayName, createdAt: me.createdAt };
  const now = deps.clock.now();
  const entry = await deps.storage.accessLog.append(logEntry(actor, subjectId, 'export', now, { query: { format } }));
  const exportedAt = iso(now);
  const checkpoint = await currentCheckpoint(deps, subjectId);
  const anchor: ExportAnchor = { logHead: { seq: checkpoint!.seq, hash: checkpoint!.hash }, checkpoint: checkpoint!.jws };
  const body =
    format === 'fhir' ? fhirBundle(deps, subject, entry.id, exportedAt, anchor) : jsonDocument(deps, subject, entry.id, exportedAt, anchor, serialisers);
  return { ...exportHeaders(format, now), body };
}
