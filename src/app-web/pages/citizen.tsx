import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { TypeDef } from '../../features/catalogue/model.js';
import type { RecordView } from '../../features/records/schemas.js';
import type { FieldError } from '../../errors.js';
import { messages } from '../messages.js';
import { Page, text, type FormBody } from '../render.js';
import { Chart } from '../views/chart.js';
import { Choices, ErrorSummary, PostForm, Select, TextArea, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';
import { Goal, resultWords } from '../views/records.js';
import { goalsOf, type Series } from '../views/series.js';
import { dateTimeWords, typeWords } from '../views/words.js';

const h = messages.home;
const r = messages.records;
const n = messages.newRecord;

/** `series` come from the trends API (`seriesFromTrends`). */
export function HomePage({ chrome, catalogue, records, series }: { chrome: Chrome; catalogue: Catalogue; records: RecordView[]; series: Series[] }) {
  const goals = goalsOf(records);
  // A delegate sees the way to add records only when the person let them add records.
  const acting = chrome.extras?.acting;
  const canAdd = !acting || acting.powers.includes('add-records');
  return (
    <Page chrome={chrome}>
      <h2>{h.latest}</h2>
      {series.length === 0 && (
        <p>
          {h.none} {canAdd && <a href="/app/records/new">{h.addFirst}</a>}
        </p>
      )}
      {series.map((s) => (
        <Chart key={s.key} series={s} id={`chart-${s.key}`} />
      ))}
      <h2>{h.goals}</h2>
      {goals.length === 0 ? (
        <p>
          {h.noGoals} {canAdd && <a href="/app/records/new?type=goal">{n.title}</a>}
        </p>
      ) : (
        goals.map((g) => <Goal key={g.id} catalogue={catalogue} record={g} id={`goal-${g.id}`} />)
      )}
    </Page>
  );
}

export function StaffHomePage({ chrome }: { chrome: Chrome }) {
  return (
    <Page chrome={chrome}>
      <p>{h.staff}</p>
    </Page>
  );
}

export interface RecordFilters {
  category: string;
  type: string;
  from: string;
  to: string;
}

/** The records of one person as a table (their own list, or a supporter's slice). */
export function RecordTable({ catalogue, records, caption, deletable }: { catalogue: Catalogue; records: RecordView[]; caption: string; deletable: boolean }) {
  return (
    <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{r.when}</th>
            <th scope="col">{r.what}</th>
            <th scope="col">{r.result}</th>
            {deletable && (
              <th scope="col">
                <span class="visually-hidden">{r.delete}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {records.map((rec) => (
            <tr key={rec.id}>
              <td>
                <time datetime={rec.effectiveAt}>{dateTimeWords(rec.effectiveAt)}</time>
              </td>
              <td>{typeWords(catalogue, rec.type)}</td>
              <td>{resultWords(catalogue, rec)}</td>
              {deletable && (
                <td>
                  <PostForm
                    action={`/app/records/${rec.id}/delete`}
                    submit={r.delete}
                    class="inline"
                    buttonClass="secondary"
                    buttonLabel={r.deleteLabel(typeWords(catalogue, rec.type), dateTimeWords(rec.effectiveAt))}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RecordsPage(p: { chrome: Chrome; catalogue: Catalogue; records: RecordView[]; filters: RecordFilters; errors: FieldError[]; next: string | null }) {
  const { catalogue, filters, errors } = p;
  const nextQuery = p.next ? new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: p.next }).toString() : null;
  return (
    <Page chrome={p.chrome}>
      <ErrorSummary errors={errors} labels={{ category: r.category, type: r.type, from: r.from, to: r.to }} />
      <form method="get" action="/app/records" class="card">
        <h2>{r.filters}</h2>
        <Select name="category" label={r.category} errors={errors} value={filters.category} options={[['', r.any], ...catalogue.categories.map((c): [string, string] => [c.code, c.label])]} />
        <Select name="type" label={r.type} errors={errors} value={filters.type} options={[['', r.any], ...catalogue.types.map((t): [string, string] => [t.code, t.label])]} />
        <TextInput name="from" label={r.from} type="date" errors={errors} value={filters.from} />
        <TextInput name="to" label={r.to} type="date" errors={errors} value={filters.to} />
        <button type="submit">{r.apply}</button>
      </form>
      {/* Deleting a record is never a delegate's to do, so it is not offered while acting for someone. */}
      {p.records.length === 0 ? <p>{r.none}</p> : <RecordTable catalogue={catalogue} records={p.records} caption={r.title} deletable={!p.chrome.extras?.acting} />}
      {nextQuery && (
        <p>
          <a href={`/app/records?${nextQuery}`}>{r.more}</a>
        </p>
      )}
    </Page>
  );
}

export function ChooseTypePage({ chrome, catalogue }: { chrome: Chrome; catalogue: Catalogue }) {
  const group = (kind: TypeDef['kind'], title: string) => (
    <>
      <h3>{title}</h3>
      <ul>
        {catalogue.types
          .filter((t) => t.kind === kind)
          .map((t) => (
            <li key={t.code}>
              <a href={`/app/records/new?type=${t.code}`}>{t.label}</a>
            </li>
          ))}
      </ul>
    </>
  );
  return (
    <Page chrome={chrome}>
      <h2>{n.choose}</h2>
      {group('questionnaire', n.questionnaires)}
      {group('measure', n.measures)}
      {group('text', n.yourWords)}
    </Page>
  );
}

function answerOptions(def: TypeDef): [string, string][] {
  const q = def.questionnaire!;
  const labels = new Map((q.answerLabels ?? []).map((a) => [a.value, a.label]));
  const out: [string, string][] = [];
  for (let v = q.itemMin; v <= q.itemMax; v++) out.push([String(v), labels.has(v) ? `${v} – ${labels.get(v)}` : String(v)]);
  return out;
}

export function NewRecordPage({ chrome, def, values, errors, now }: { chrome: Chrome; def: TypeDef; values: FormBody; errors: FieldError[]; now?: string }) {
  const labels: Record<string, string> = { effectiveAt: n.when, value: n.value(def.measure?.unit ?? ''), unit: n.unit, text: n.text, progress: n.progress };
  def.questionnaire?.items.forEach((item, i) => (labels[`answers.${i}`] = `${item.n}. ${item.label}`));
  def.measure?.components?.forEach((c) => (labels[c.code] = `${c.label} (${def.measure!.unit})`));
  const q = def.questionnaire;
  const m = def.measure;
  return (
    <Page chrome={chrome}>
      <p>{def.description}</p>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action={`/app/records/new?type=${def.code}`} novalidate>
        <TextInput name="effectiveAt" label={n.when} hint={n.whenHint} type="datetime-local" errors={errors} value={text(values, 'effectiveAt')} dataNow={now} />
        <input type="hidden" name="tzOffset" value={text(values, 'tzOffset') || '0'} data-tz-offset="" />
        {q && <p class="hint">{n.answerScale(q.itemMin, q.itemMax)}</p>}
        {q?.items.map((item, i) => (
          <Choices
            key={item.n}
            name={`answers.${i}`}
            legend={labels[`answers.${i}`]}
            errors={errors}
            options={answerOptions(def)}
            checked={[text(values, `answers.${i}`)]}
            inline={!q.answerLabels || q.answerLabels.length < q.itemMax - q.itemMin + 1}
          />
        ))}
        {m?.components?.map((c) => (
          <TextInput key={c.code} name={c.code} label={labels[c.code]!} type="number" step="any" inputMode="decimal" errors={errors} value={text(values, c.code)} />
        ))}
        {m && !m.components && <TextInput name="value" label={labels.value!} type="number" step="any" inputMode="decimal" errors={errors} value={text(values, 'value')} />}
        {m && m.units.length > 1 && <Select name="unit" label={n.unit} errors={errors} value={text(values, 'unit') || m.unit} options={m.units.map((u): [string, string] => [u.code, u.code])} />}
        {def.kind === 'text' && <TextArea name="text" label={def.code === 'goal' ? n.goalText : n.text} errors={errors} value={text(values, 'text')} />}
        {def.text?.progress && (
          <Select
            name="progress"
            label={n.progress}
            errors={errors}
            value={text(values, 'progress') || String(def.text.progress.min)}
            options={Array.from({ length: def.text.progress.max - def.text.progress.min + 1 }, (_, i): [string, string] => [String(i + def.text!.progress!.min), String(i + def.text!.progress!.min)])}
          />
        )}
        <div class="actions">
          <button type="submit">{n.submit}</button>
          <a href="/app/records/new">{n.otherType}</a>
        </div>
      </form>
      {def.licence && (
        <details>
          <summary>{n.licence}</summary>
          <p>{def.licence}</p>
        </details>
      )}
    </Page>
  );
}
