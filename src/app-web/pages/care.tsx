import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { FieldError } from '../../errors.js';
import { basisCodes, powerCodes } from '../../features/delegates/schemas.js';
import type { ReferralView } from '../../features/referrals/schemas.js';
import { messages } from '../messages.js';
import { list, text } from '../render.js';
import type { CareData, CareErrors, CareLine } from '../routes/care-data.js';
import { Choices, ErrorSummary, PostForm, Select, TextInput } from '../views/forms.js';
import { EmergencySection } from './emergency.js';

const r = messages.referrals;
const d = messages.delegates;
const s = messages.sharing;

/**
 * The delegate form's fields are named apart from the give-access form's (`dlg…`), so the ids
 * and the error summary's links on the one sharing page never collide.
 */
export const delegateFields = { delegate: 'dlgDelegate', powers: 'dlgPowers', basis: 'dlgBasis', expiresAt: 'dlgExpiresAt' } as const;

function ReferralForm({ catalogue, line, errors }: { catalogue: Catalogue; line: CareLine<ReferralView>; errors: FieldError[] }) {
  const ref = line.item;
  const base = `ref-${ref.id}`;
  return (
    <div class="card">
      <p>{line.sentence}</p>
      {ref.note && <p>{r.noteFrom(ref.note)}</p>}
      <PostForm action={`/app/sharing/referrals/${ref.id}/approve`} submit={s.approve} buttonLabel={`${s.approve}: ${line.who}`}>
        {errors.length > 0 && (
          <p class="field-error" role="alert">
            {messages.errors.summary}
          </p>
        )}
        <Choices
          name="categories"
          idBase={`${base}-categories`}
          legend={s.approveNarrow}
          errors={errors}
          multiple
          options={ref.categories.map((c): [string, string] => [c, catalogue.category(c)?.label ?? c])}
          checked={ref.categories}
        />
        <TextInput name="expiresAt" idBase={`${base}-expiresAt`} label={s.expiresAt} type="date" errors={errors} value={ref.grantExpiresAt.slice(0, 10)} />
        <input type="hidden" name="requestedUntil" value={ref.grantExpiresAt} />
      </PostForm>
      <PostForm action={`/app/sharing/referrals/${ref.id}/deny`} submit={s.deny} buttonClass="secondary" buttonLabel={`${s.deny}: ${line.who}`} class="actions" />
    </div>
  );
}

function DelegateForm({ values, errors }: { values: Record<string, string | string[] | undefined>; errors: FieldError[] }) {
  const f = delegateFields;
  const labels = { [f.delegate]: d.delegate, [f.powers]: d.powers, [f.basis]: d.basis, [f.expiresAt]: d.expiresAt };
  return (
    <form method="post" action="/app/sharing/delegates" novalidate class="card">
      <h3 id="name-delegate">{d.name}</h3>
      <ErrorSummary errors={errors} labels={labels} />
      <TextInput name={f.delegate} label={d.delegate} hint={d.delegateHint} errors={errors} value={text(values, f.delegate)} />
      <Choices name={f.powers} legend={d.powers} errors={errors} multiple options={powerCodes.map((p): [string, string] => [p, d.power[p] ?? p])} checked={list(values, f.powers)} hint={d.never} />
      <Select name={f.basis} label={d.basis} errors={errors} value={text(values, f.basis) || 'consent'} options={basisCodes.map((b): [string, string] => [b, d.basisLabel[b] ?? b])} />
      <TextInput name={f.expiresAt} label={d.expiresAt} type="date" errors={errors} value={text(values, f.expiresAt)} />
      <button type="submit">{d.submit}</button>
    </form>
  );
}

/** The care team on the person's sharing page: referrals to answer, and their delegates. */
export function CareSections({ catalogue, data, errors }: { catalogue: Catalogue; data: CareData; errors: CareErrors }) {
  return (
    <>
      <h2 id="referrals">{r.toAnswer}</h2>
      {data.referrals.length === 0 ? (
        <p>{r.noneToAnswer}</p>
      ) : (
        data.referrals.map((l) => <ReferralForm key={l.item.id} catalogue={catalogue} line={l} errors={errors.referral?.id === l.item.id ? errors.referral.errors : []} />)
      )}
      <EmergencySection catalogue={catalogue} data={data.emergency} errors={errors.emergency ?? {}} />
      {data.delegates && (
        <>
          <h2 id="delegates">{d.title}</h2>
          <p>{d.intro}</p>
          {data.delegates.active.length === 0 ? (
            <p>{d.none}</p>
          ) : (
            <ul class="plain">
              {data.delegates.active.map((l) => (
                <li key={l.item.id} class="card">
                  <p>{l.sentence}</p>
                  <PostForm action={`/app/sharing/delegates/${l.item.id}/end`} submit={d.end} buttonClass="danger" buttonLabel={d.endLabel(l.who)} />
                </li>
              ))}
            </ul>
          )}
          <DelegateForm values={errors.delegate?.values ?? {}} errors={errors.delegate?.errors ?? []} />
          {data.delegates.ended.length > 0 && (
            <details>
              <summary>{s.pastGrants}</summary>
              <ul>
                {data.delegates.ended.map((l) => (
                  <li key={l.item.id}>{l.sentence}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </>
  );
}
