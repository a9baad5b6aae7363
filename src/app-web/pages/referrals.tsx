import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { FieldError } from '../../errors.js';
import { purposes } from '../../features/grants/purposes.js';
import { messages } from '../messages.js';
import { Page, list, text, type FormBody } from '../render.js';
import { Choices, ErrorSummary, PostForm, Select, TextArea, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';

const r = messages.referrals;
const rn = messages.renewal;
const s = messages.sharing;

/** The referral form's field names, apart from the other forms on the person's page. */
export const referFields = { kind: 'referToKind', to: 'referTo', categories: 'referCategories', purpose: 'referPurpose', expiresAt: 'referExpiresAt', note: 'note' } as const;


export function PersonCare(p: { catalogue: Catalogue; subjectId: string; ending: { id: string; sentence: string }[]; categories: string[]; values: FormBody; errors: FieldError[] }) {
  const f = referFields;
  const labels = { [f.to]: r.referTo, [f.categories]: s.categories, [f.purpose]: s.purpose, [f.expiresAt]: s.expiresAt, [f.note]: r.note };
  const base = `/app/people/${p.subjectId}`;
  return (
    <>
      {p.ending.length > 0 && (
        <>
          <h2 id="your-access">{`${rn.grants}: ${rn.endsSoon}`}</h2>
          <ul class="plain">
            {p.ending.map((g) => (
              <li key={g.id} class="card">
                <p>{g.sentence}</p>
                <PostForm action={`${base}/grants/${g.id}/renewal`} submit={rn.ask} buttonClass="secondary" buttonLabel={rn.askLabel(g.sentence)} />
              </li>
            ))}
          </ul>
        </>
      )}
      {p.categories.length > 0 && (
        <form method="post" action={`${base}/referrals`} novalidate class="card">
          <h2 id="refer">{r.refer}</h2>
          <p class="hint">{r.referIntro}</p>
          <ErrorSummary errors={p.errors} labels={labels} />
          <Choices name={f.kind} legend={r.referToKind} errors={[]} options={[['organisation', r.anOrganisation], ['account', r.aPractitioner]]} checked={[text(p.values, f.kind) || 'organisation']} inline />
          <TextInput name={f.to} label={r.referTo} hint={r.referToHint} errors={p.errors} value={text(p.values, f.to)} />
          <Choices
            name={f.categories}
            legend={s.categories}
            errors={p.errors}
            multiple
            options={p.categories.map((c): [string, string] => [c, p.catalogue.category(c)?.label ?? c])}
            checked={list(p.values, f.categories)}
          />
          <Select name={f.purpose} label={s.purpose} errors={p.errors} value={text(p.values, f.purpose) || 'social-prescribing'} options={purposes.map((x): [string, string] => [x.code, x.label])} />
          <TextInput name={f.expiresAt} label={s.expiresAt} type="date" errors={p.errors} value={text(p.values, f.expiresAt)} />
          <TextArea name={f.note} label={r.note} hint={r.noteHint} errors={p.errors} value={text(p.values, f.note)} />
          <button type="submit">{r.submit}</button>
        </form>
      )}
    </>
  );
}

export interface ReferralLine {
  id: string;
  subjectId: string;
  sentence: string;
  outcome: string;
  status: string;
}

export function ReferralsPage({ chrome, referrals }: { chrome: Chrome; referrals: ReferralLine[] }) {
  return (
    <Page chrome={chrome}>
      <p>{r.intro}</p>
      {referrals.length === 0 ? (
        <p>{r.none}</p>
      ) : (
        <ul class="plain">
          {referrals.map((x) => (
            <li key={x.id} class="card">
              <h2>{messages.people.person(x.subjectId)}</h2>
              <p>{x.sentence}</p>
              <p>
                <strong>{x.outcome}</strong>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
