import type { ComponentChildren } from 'preact';
import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { FieldError } from '../../errors.js';
import { purposes } from '../../features/grants/purposes.js';
import type { RecordView } from '../../features/records/schemas.js';
import type { AlertView } from '../../features/alerts/schemas.js';
import { messages } from '../messages.js';
import { Page, list, text, type FormBody } from '../render.js';
import { Chart } from '../views/chart.js';
import { Choices, ErrorSummary, PostForm, Select, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';
import { Goal } from '../views/records.js';
import { goalsOf, seriesOf } from '../views/series.js';
import { dateTimeWords, typeWords } from '../views/words.js';
import { RecordTable } from './citizen.js';

const p = messages.people;

export interface Person {
  subjectId: string;
  sentences: string[];
}

const requestLabels = { subjectId: p.subjectId, categories: messages.sharing.categories, purpose: messages.sharing.purpose, purposeText: messages.sharing.purposeText, expiresAt: messages.sharing.expiresAt };

export function PeoplePage({
  chrome,
  catalogue,
  people,
  values,
  errors,
  care,
}: {
  chrome: Chrome;
  catalogue: Catalogue;
  people: Person[];
  values: FormBody;
  errors: FieldError[];
  /** Break-glass and the organisation's emergency accesses (pages/emergency.tsx). */
  care?: ComponentChildren;
}) {
  return (
    <Page chrome={chrome}>
      <p>{p.intro}</p>
      {people.length === 0 ? (
        <p>{p.none}</p>
      ) : (
        <ul class="plain">
          {people.map((person) => (
            <li key={person.subjectId} class="card">
              <h2>
                <a href={`/app/people/${person.subjectId}`}>{p.person(person.subjectId)}</a>
              </h2>
              <ul>
                {person.sentences.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      <form method="post" action="/app/people/request" novalidate class="card">
        <h2>{p.request}</h2>
        <ErrorSummary errors={errors} labels={requestLabels} />
        <TextInput name="subjectId" label={p.subjectId} hint={p.subjectIdHint} errors={errors} value={text(values, 'subjectId')} />
        <Choices name="categories" legend={messages.sharing.categories} errors={errors} multiple options={catalogue.categories.map((c): [string, string] => [c.code, c.label])} checked={list(values, 'categories')} />
        <Select name="purpose" label={messages.sharing.purpose} errors={errors} value={text(values, 'purpose') || 'direct-care'} options={purposes.map((x): [string, string] => [x.code, x.label])} />
        <TextInput name="purposeText" label={messages.sharing.purposeText} errors={errors} value={text(values, 'purposeText')} />
        <TextInput name="expiresAt" label={messages.sharing.expiresAt} type="date" errors={errors} value={text(values, 'expiresAt')} />
        <button type="submit">{p.submit}</button>
      </form>
      {care}
    </Page>
  );
}

export interface WatchLine {
  id: string;
  sentence: string;
}

const watchLabels = { type: p.watchType, field: p.watchRule, op: p.watchRule, threshold: p.threshold, flag: p.flag };

export function PersonPage(props: {
  chrome: Chrome;
  catalogue: Catalogue;
  subjectId: string;
  limits: string[];
  records: RecordView[];
  watches: WatchLine[];
  watchTypes: string[];
  values: FormBody;
  errors: FieldError[];
  /** Referral, renewal and emergency access (pages/referrals.tsx). */
  care?: ComponentChildren;
}) {
  const { catalogue, records, errors, values } = props;
  const series = seriesOf(catalogue, records);
  const goals = goalsOf(records);
  const base = `/app/people/${props.subjectId}`;
  return (
    <Page chrome={props.chrome}>
      <h2>{p.slice}</h2>
      <ul>
        {props.limits.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      {series.map((s) => (
        <Chart key={s.key} series={s} id={`chart-${s.key}`} />
      ))}
      {goals.length > 0 && <h2>{messages.home.goals}</h2>}
      {goals.map((g) => (
        <Goal key={g.id} catalogue={catalogue} record={g} id={`goal-${g.id}`} />
      ))}
      <h2>{p.records}</h2>
      {records.length === 0 ? <p>{p.noRecords}</p> : <RecordTable catalogue={catalogue} records={records} caption={p.records} deletable={false} />}
      {props.care}
      <h2>{p.watches}</h2>
      {props.watches.length === 0 ? (
        <p>{p.noWatches}</p>
      ) : (
        <ul class="plain">
          {props.watches.map((w) => (
            <li key={w.id} class="card">
              <p>{w.sentence}</p>
              <PostForm action={`${base}/watches/${w.id}/delete`} submit={p.deleteWatch} buttonClass="secondary" buttonLabel={`${p.deleteWatch}: ${w.sentence}`} />
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={`${base}/watches`} novalidate class="card">
        <h3>{p.setWatch}</h3>
        <ErrorSummary errors={errors} labels={watchLabels} />
        <Select name="type" label={p.watchType} errors={errors} value={text(values, 'type')} options={props.watchTypes.map((t): [string, string] => [t, typeWords(catalogue, t)])} />
        <Select
          name="op"
          label={p.watchRule}
          errors={errors}
          value={text(values, 'op') || 'ge'}
          options={[
            ['ge', p.ruleGe],
            ['le', p.ruleLe],
            ['drop-by', p.ruleDrop],
            ['rise-by', p.ruleRise],
            ['flag', p.ruleFlag],
          ]}
        />
        <TextInput name="threshold" label={p.threshold} type="number" step="any" inputMode="decimal" errors={errors} value={text(values, 'threshold')} />
        <TextInput name="flag" label={p.flag} errors={errors} value={text(values, 'flag')} />
        <button type="submit">{p.addWatch}</button>
      </form>
    </Page>
  );
}

function matchedWords(a: AlertView): string {
  const m = a.matched as { field?: string; value?: number; op?: string; threshold?: number; flag?: string; change?: number };
  if (a.kind === 'watch-removed') return messages.alerts.removed;
  if (m.flag) return `${messages.alerts.matched}: ${m.flag}`;
  if (m.field !== undefined) return `${messages.alerts.matched}: ${m.field} ${m.value} (${m.op} ${m.threshold})`;
  return messages.alerts.hidden;
}

export function AlertsPage({ chrome, catalogue, alerts }: { chrome: Chrome; catalogue: Catalogue; alerts: AlertView[] }) {
  const labels = Object.fromEntries(catalogue.types.map((t) => [t.code, t.label]));
  return (
    <Page chrome={chrome}>
      <p>{messages.alerts.intro}</p>
      <p id="live-status" role="status" class="hint" />
      {alerts.length === 0 && <p id="no-alerts">{messages.alerts.none}</p>}
      <ol class="plain" id="alerts" data-live-alerts="/v1/alerts/stream" data-type-labels={JSON.stringify(labels)} data-live-text={messages.alerts.live} data-ack-text={messages.alerts.ack}>
        {alerts.map((a) => (
          <li key={a.id} class={`card alert-item${a.ackedAt ? '' : ' unacked'}`}>
            <p>
              <strong>{typeWords(catalogue, a.type)}</strong> — <a href={`/app/people/${a.subjectId}`}>{p.person(a.subjectId)}</a> — <time datetime={a.at}>{dateTimeWords(a.at)}</time>
            </p>
            <p>{matchedWords(a)}</p>
            {a.ackedAt ? (
              <p class="hint">{messages.alerts.acked(dateTimeWords(a.ackedAt))}</p>
            ) : (
              <PostForm action={`/app/alerts/${a.id}/ack`} submit={messages.alerts.ack} buttonClass="secondary" buttonLabel={`${messages.alerts.ack}: ${typeWords(catalogue, a.type)}, ${dateTimeWords(a.at)}`} />
            )}
          </li>
        ))}
      </ol>
    </Page>
  );
}
