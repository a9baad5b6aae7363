import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { FieldError } from '../../errors.js';
import { messages } from '../messages.js';
import { list, text, type FormBody } from '../render.js';
import { Choices, ErrorSummary, PostForm, TextArea, TextInput } from '../views/forms.js';

const e = messages.emergency;

/** Field names of the policy and break-glass forms, apart from the other forms on their pages. */
export const policyFields = { organisations: 'emOrganisations', categories: 'emCategories', maxMinutes: 'emMaxMinutes' } as const;
export const breakGlassFields = { subjectId: 'emSubjectId', reason: 'emReason' } as const;

export interface EmergencyAccessLine {
  grantId: string;
  who: string;
  opened: string;
  sentence: string;
  reason: string | null;
  flagged: string | null;
}

export interface EmergencyData {
  /** The policy in words, and its terms for the form; null when there is none. */
  policy: { sentence: string; organisations: string[]; categories: string[]; maxMinutes: number } | null;
  accesses: EmergencyAccessLine[];
}

export interface EmergencyErrors {
  policy?: { values: FormBody; errors: FieldError[] };
}

/** The person's emergency-access policy and every emergency access, on their sharing page. */
export function EmergencySection({ catalogue, data, errors }: { catalogue: Catalogue; data: EmergencyData; errors: EmergencyErrors }) {
  const f = policyFields;
  const values: FormBody = errors.policy?.values ?? (data.policy ? { [f.organisations]: data.policy.organisations.join('\n'), [f.categories]: data.policy.categories, [f.maxMinutes]: String(data.policy.maxMinutes) } : {});
  const errs = errors.policy?.errors ?? [];
  const labels = { [f.organisations]: e.organisations, [f.categories]: e.categories, [f.maxMinutes]: e.maxMinutes };
  return (
    <>
      <h2 id="emergency">{e.title}</h2>
      <p>{e.intro}</p>
      {data.policy ? (
        <div class="card">
          <p>{data.policy.sentence}</p>
          <PostForm action="/app/sharing/emergency-policy/delete" submit={e.remove} buttonClass="secondary" />
        </div>
      ) : (
        <p>{e.none}</p>
      )}
      <details open={errs.length > 0 || !data.policy}>
        <summary>{data.policy ? e.replace : e.set}</summary>
        <form method="post" action="/app/sharing/emergency-policy" novalidate class="card">
          <ErrorSummary errors={errs} labels={labels} />
          <TextArea name={f.organisations} label={e.organisations} hint={e.organisationsHint} errors={errs} value={text(values, f.organisations)} />
          <Choices name={f.categories} legend={e.categories} errors={errs} multiple options={catalogue.categories.map((c): [string, string] => [c.code, c.label])} checked={list(values, f.categories)} />
          <TextInput name={f.maxMinutes} label={e.maxMinutes} type="number" inputMode="numeric" min="1" max="240" errors={errs} value={text(values, f.maxMinutes) || '60'} />
          <button type="submit">{e.submit}</button>
        </form>
      </details>
      <h3 id="emergency-accesses">{e.accesses}</h3>
      {data.accesses.length === 0 ? (
        <p>{e.noAccesses}</p>
      ) : (
        <ul class="plain">
          {data.accesses.map((a) => (
            <li key={a.grantId} class={a.flagged ? 'card' : 'card unread-item'}>
              <p>{a.sentence}</p>
              {a.reason && <p>{e.reason(a.reason)}</p>}
              {a.flagged ? (
                <p>
                  <strong>{a.flagged}</strong>
                </p>
              ) : (
                <PostForm action={`/app/sharing/emergency/${a.grantId}/flag`} submit={e.flag} buttonClass="danger" buttonLabel={e.flagLabel(a.who, a.opened)}>
                  <div class="field">
                    <label for={`flag-${a.grantId}`}>{e.statement}</label>
                    <textarea id={`flag-${a.grantId}`} name="statement" rows={2} />
                  </div>
                </PostForm>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export interface OrgAccessLine {
  grantId: string;
  sentence: string;
  reason: string | null;
  flagged: string | null;
  statement: string | null;
}

/** A supporter's break-glass form, and the emergency accesses their organisation opened. */
export function BreakGlass({ values, errors, accesses }: { values: FormBody; errors: FieldError[]; accesses: OrgAccessLine[] }) {
  const f = breakGlassFields;
  return (
    <>
      <form method="post" action="/app/people/emergency" novalidate class="card">
        <h2 id="emergency">{e.breakGlass}</h2>
        <p class="hint">{e.breakGlassIntro}</p>
        <ErrorSummary errors={errors} labels={{ [f.subjectId]: e.subjectId, [f.reason]: e.reasonLabel }} />
        <TextInput name={f.subjectId} label={e.subjectId} errors={errors} value={text(values, f.subjectId)} />
        <TextArea name={f.reason} label={e.reasonLabel} hint={e.reasonHint} errors={errors} value={text(values, f.reason)} />
        <button type="submit" class="danger">
          {e.open}
        </button>
      </form>
      <h2 id="emergency-log">{e.byOrganisation}</h2>
      {accesses.length === 0 ? (
        <p>{e.noneByOrganisation}</p>
      ) : (
        <ul class="plain">
          {accesses.map((a) => (
            <li key={a.grantId} class={a.flagged ? 'card unread-item' : 'card'}>
              <p>{a.sentence}</p>
              {a.reason && <p>{e.reason(a.reason)}</p>}
              {a.flagged && (
                <p>
                  <strong>{a.flagged}</strong>
                </p>
              )}
              {a.statement && <p>{e.orgStatement(a.statement)}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
