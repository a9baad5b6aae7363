import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { TypeDef } from '../../features/catalogue/model.js';
import type { DisputeView } from '../../features/disputes/schemas.js';
import type { RecordView } from '../../features/records/schemas.js';
import type { FieldError } from '../../errors.js';
import { messages } from '../messages.js';
import { Page, text, type FormBody } from '../render.js';
import { Choices, ErrorSummary, PostForm, TextArea } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';
import { DisputeLines, resultWords } from '../views/records.js';
import { dateTimeWords, typeWords } from '../views/words.js';
import { RecordFields, recordLabels } from './citizen.js';

const rc = messages.record;
const ds = messages.disputes;

/**
 * One of the person's records (`/app/records/{id}`): what it says, who wrote it, its dispute,
 * and "Dispute this record" for a record someone else wrote that has no open dispute (a series
 * item, a device's day of readings, offers deleting that day instead).
 */
export function RecordPage(p: { chrome: Chrome; catalogue: Catalogue; record: RecordView; writer: string | null; canDispute: boolean; canDelete: boolean; values: FormBody; errors: FieldError[] }) {
  const { record } = p;
  const byOther = record.source.kind === 'practitioner' || record.source.kind === 'client';
  const open = record.dispute?.status === 'open';
  // A day of a device's readings has no dispute (the API answers 404): deleting the day is the remedy, so it is offered here.
  const series = record.series !== undefined;
  return (
    <Page chrome={p.chrome}>
      <ErrorSummary errors={p.errors} labels={{ statement: rc.statement }} />
      <section class="card" aria-labelledby="record-details">
        <h2 id="record-details">{rc.details}</h2>
        <p>
          <time datetime={record.effectiveAt}>{dateTimeWords(record.effectiveAt)}</time>
        </p>
        <p>{resultWords(p.catalogue, record)}</p>
        <p>{`${rc.writtenBy}: ${byOther ? (p.writer ?? messages.log.someone) : messages.records.self}`}</p>
        <DisputeLines record={record} own />
      </section>
      {!series && byOther && !open && p.canDispute && (
        <form method="post" action={`/app/records/${record.id}/dispute`} novalidate class="card">
          <h2 id="dispute">{rc.dispute}</h2>
          <p class="hint">{rc.disputeIntro}</p>
          <TextArea name="statement" label={rc.statement} hint={rc.statementHint} errors={p.errors} value={text(p.values, 'statement')} />
          <button type="submit">{rc.send}</button>
        </form>
      )}
      {!series && byOther && !open && !p.canDispute && <p>{rc.mayNotDispute}</p>}
      {!series && !byOther && <p>{rc.ownRecord}</p>}
      {series && <p>{messages.series.notDisputable}</p>}
      {series && p.canDelete && <PostForm action={`/app/records/${record.id}/delete`} submit={messages.series.delete} buttonClass="secondary" />}
      <p>
        <a href="/app/records">{rc.back}</a>
      </p>
    </Page>
  );
}

/** A dispute in a practitioner's words: what, when, whose, and how it stands. */
function DisputeSummary({ d }: { d: DisputeView }) {
  return (
    <>
      <p>{ds.person(messages.people.person(d.subjectId), d.writer.name ?? messages.log.someone)}</p>
      <p>
        <strong>{ds.statusWords[d.status] ?? d.status}</strong>
        {' — '}
        {d.resolvedAt ? ds.resolved(ds.statusWords[d.status] ?? d.status, dateTimeWords(d.resolvedAt)) : ds.opened(dateTimeWords(d.createdAt))}
      </p>
      <p>{messages.dispute.statement(d.statement)}</p>
      {d.note !== null && <p>{messages.dispute.note(d.note)}</p>}
    </>
  );
}

function what(catalogue: Catalogue, d: DisputeView): string {
  return ds.about(typeWords(catalogue, d.record.type), dateTimeWords(d.record.effectiveAt));
}

/** `/app/disputes`: disputes of records the caller's organisation wrote, open ones first. */
export function DisputesPage({ chrome, catalogue, disputes }: { chrome: Chrome; catalogue: Catalogue; disputes: DisputeView[] }) {
  return (
    <Page chrome={chrome}>
      <p>{ds.intro}</p>
      {disputes.length === 0 ? (
        <p>{ds.none}</p>
      ) : (
        <ul class="plain">
          {disputes.map((d) => (
            <li key={d.id} class={d.status === 'open' ? 'card unread-item' : 'card'}>
              <h2>{what(catalogue, d)}</h2>
              <DisputeSummary d={d} />
              {d.status === 'open' && (
                <p>
                  <a href={`/app/disputes/${d.id}`} aria-label={ds.answerLabel(what(catalogue, d))}>
                    {ds.answer}
                  </a>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

/**
 * `/app/disputes/{id}`: one open dispute and the answer form. The corrected record (amended)
 * uses the add-record page's fields for the same type; types those fields cannot write
 * (`def` undefined: unknown here, or about an organisation) are answered upheld or entered in error.
 */
export function DisputePage(p: { chrome: Chrome; catalogue: Catalogue; dispute: DisputeView; def: TypeDef | undefined; values: FormBody; errors: FieldError[] }) {
  const { dispute: d, def } = p;
  const outcomes = (['upheld', 'entered-in-error', ...(def ? ['amended'] : [])] as const).map((o): [string, string] => [o, ds.outcomes[o]!]);
  const labels = { ...(def ? recordLabels(def) : {}), outcome: ds.outcome, note: ds.note };
  return (
    <Page chrome={p.chrome}>
      <ErrorSummary errors={p.errors} labels={labels} />
      <section class="card" aria-labelledby="dispute-about">
        <h2 id="dispute-about">{what(p.catalogue, d)}</h2>
        <DisputeSummary d={d} />
      </section>
      {d.status === 'open' && (
        <form method="post" action={`/app/disputes/${d.id}/resolve`} novalidate>
          <Choices name="outcome" legend={ds.outcome} errors={p.errors} options={outcomes} checked={[text(p.values, 'outcome')]} />
          <TextArea name="note" label={ds.note} hint={ds.noteHint} errors={p.errors} value={text(p.values, 'note')} />
          {def ? (
            <fieldset class="card">
              <legend>{ds.corrected}</legend>
              <RecordFields def={def} values={p.values} errors={p.errors} whenHint={ds.whenHint(dateTimeWords(d.record.effectiveAt))} />
            </fieldset>
          ) : (
            <p class="hint">{ds.noAmend}</p>
          )}
          <button type="submit">{ds.submit}</button>
        </form>
      )}
      <p>
        <a href="/app/disputes">{ds.back}</a>
      </p>
    </Page>
  );
}
