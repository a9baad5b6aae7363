import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { RecordView } from '../../features/records/schemas.js';
import { messages } from '../messages.js';

const count = new Intl.NumberFormat('en-GB');
// Chunks are UTC days (docs/performance.md "Dense series"), and the app dates everything in UTC.
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/** A series item's readings in a few words: "1,440 readings, 58–131 /min, 00:00–23:59 UTC". */
function seriesWords(s: NonNullable<RecordView['series']>, unit: string, fmt: (v: number) => string): string {
  // A loop, not Math.min(...values): a day of second readings is 86,400 arguments.
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of s.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const range = lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
  const [from, to] = [clock.format(new Date(s.start)), clock.format(new Date(s.end))];
  return messages.series.summary(count.format(s.count), s.count, `${range}${unit}`, from === to ? from : `${from}–${to}`);
}

/** @returns what a record says, in a few words: "21.54", "Severe (21)", "128/82 mm[Hg]", the goal itself, a series' readings */
export function resultWords(catalogue: Catalogue, r: RecordView): string {
  const def = catalogue.type(r.type);
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100));
  const unit = r.unit && r.unit !== '1' ? ` ${r.unit}` : '';
  if (r.series) return seriesWords(r.series, unit, fmt);
  const parts: string[] = [];
  if (typeof r.score === 'number') {
    const band = def?.questionnaire?.scoring.bands?.find((b) => b.code === r.band)?.label;
    parts.push(band ? `${fmt(r.score)} (${band})` : fmt(r.score));
  }
  if (r.items) parts.push(r.items.map((i) => `${i.label}: ${i.value}`).join('; '));
  if (typeof r.systolic === 'number' && typeof r.diastolic === 'number') parts.push(`${fmt(r.systolic)}/${fmt(r.diastolic)}${unit}`);
  else if (typeof r.value === 'number') parts.push(`${fmt(r.value)}${unit}`);
  if (r.text !== undefined) parts.push(r.text.length > 140 ? `${r.text.slice(0, 140)}…` : r.text);
  if (typeof r.progress === 'number') parts.push(messages.home.progress(r.progress, def?.text?.progress?.max ?? 10));
  if (r.flags?.length) parts.push(`flags: ${r.flags.join(', ')}`);
  return parts.join(' — ');
}

/** A goal with its progress as a meter (an element with a native accessible value). */
export function Goal({ catalogue, record, id, own = false }: { catalogue: Catalogue; record: RecordView; id: string; own?: boolean }) {
  const max = catalogue.type('goal')?.text?.progress?.max ?? 10;
  return (
    <div class="card">
      <p id={id}>
        <strong>{record.text}</strong>
      </p>
      {typeof record.progress === 'number' && (
        <p>
          <meter min={0} max={max} value={record.progress} aria-labelledby={id} aria-describedby={`${id}-p`} /> <span id={`${id}-p`}>{messages.home.progress(record.progress, max)}</span>
        </p>
      )}
      <DisputeLines record={record} own={own} />
    </div>
  );
}

/**
 * What a record's dispute says, wherever the record is shown (docs/care-team.md "Disputes"): its
 * status, the person's statement, the writer's note once answered, and the corrected record's
 * link (`own`: on the person's pages, where records have a page each), or that it corrects one.
 */
export function DisputeLines({ record, own }: { record: RecordView; own: boolean }) {
  const d = record.dispute;
  const w = messages.dispute;
  const replaces = record.replaces && (
    <p class="hint">
      {messages.record.replaces} {own ? <a href={`/app/records/${record.replaces}`}>{messages.record.replacesLink}</a> : messages.record.replacesLink}
    </p>
  );
  if (!d) return replaces || null;
  return (
    <div class="dispute">
      {replaces}
      <p>
        <strong>{w.status[d.status] ?? d.status}</strong>
      </p>
      <p>{w.statement(d.statement)}</p>
      {d.note !== null && <p>{w.note(d.note)}</p>}
      {d.replacedBy && (own ? <p><a href={`/app/records/${d.replacedBy}`}>{w.replacedBy}</a></p> : null)}
    </div>
  );
}
