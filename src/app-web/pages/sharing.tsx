import type { ComponentChildren } from 'preact';
import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { FieldError } from '../../errors.js';
import { purposes } from '../../features/grants/purposes.js';
import type { GrantView, Preview } from '../../features/grants/schemas.js';
import { messages } from '../messages.js';
import { Page, list, text, type FormBody } from '../render.js';
import { Choices, ErrorSummary, PostForm, Select, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';
import { categoryWords, dateWords, typeWords } from '../views/words.js';

const s = messages.sharing;

/** A grant, request or watch as the person reads it, with the sentence already composed. */
export interface Described<T> {
  item: T;
  sentence: string;
  who: string;
}

export interface RequestItem {
  id: string;
  categories: string[];
  grantExpiresAt: string;
}

export interface WatchItem {
  id: string;
  type: string;
  active: boolean;
}

export interface SharingData {
  grants: Described<GrantView>[];
  ended: Described<GrantView>[];
  requests: Described<RequestItem>[];
  watches: Described<WatchItem>[];
}

const giveLabels = {
  grantee: s.grantee,
  access: s.access,
  categories: s.categories,
  from: s.from,
  to: s.to,
  purpose: s.purpose,
  purposeText: s.purposeText,
  expiresAt: s.expiresAt,
};

function GiveAccessForm({ catalogue, values, errors }: { catalogue: Catalogue; values: FormBody; errors: FieldError[] }) {
  return (
    <form method="post" action="/app/sharing/preview" novalidate class="card">
      <h2 id="give">{s.give}</h2>
      <ErrorSummary errors={errors} labels={giveLabels} />
      <Choices name="granteeKind" legend={s.granteeKind} errors={[]} options={[['account', s.aPerson], ['organisation', s.anOrganisation]]} checked={[text(values, 'granteeKind') || 'account']} inline />
      <TextInput name="granteeId" errorField="grantee" label={s.grantee} hint={s.granteeHint} errors={errors} value={text(values, 'granteeId')} />
      <Choices name="access" legend={s.access} errors={errors} options={[['read', s.read], ['append', s.append]]} checked={[text(values, 'access') || 'read']} />
      <Choices name="categories" legend={s.categories} errors={errors} multiple options={catalogue.categories.map((c): [string, string] => [c.code, c.label])} checked={list(values, 'categories')} />
      <TextInput name="from" label={s.from} type="date" errors={errors} value={text(values, 'from')} />
      <TextInput name="to" label={s.to} type="date" errors={errors} value={text(values, 'to')} />
      <Select name="purpose" label={s.purpose} errors={errors} value={text(values, 'purpose') || 'direct-care'} options={purposes.map((p): [string, string] => [p.code, p.label])} />
      <TextInput name="purposeText" label={s.purposeText} errors={errors} value={text(values, 'purposeText')} />
      <TextInput name="expiresAt" label={s.expiresAt} type="date" errors={errors} value={text(values, 'expiresAt')} />
      <button type="submit">{s.preview}</button>
    </form>
  );
}

function ApproveForm({ catalogue, request, errors }: { catalogue: Catalogue; request: Described<RequestItem>; errors: FieldError[] }) {
  const r = request.item;
  const base = `req-${r.id}`;
  return (
    <div class="card">
      <p>{request.sentence}</p>
      <PostForm action={`/app/sharing/requests/${r.id}/approve`} submit={s.approve} buttonLabel={`${s.approve}: ${request.who}`}>
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
          options={r.categories.map((c): [string, string] => [c, catalogue.category(c)?.label ?? c])}
          checked={r.categories}
        />
        <TextInput name="expiresAt" idBase={`${base}-expiresAt`} label={s.expiresAt} type="date" errors={errors} value={r.grantExpiresAt.slice(0, 10)} />
        <input type="hidden" name="requestedUntil" value={r.grantExpiresAt} />
      </PostForm>
      <PostForm action={`/app/sharing/requests/${r.id}/deny`} submit={s.deny} buttonClass="secondary" buttonLabel={`${s.deny}: ${request.who}`} class="actions" />
    </div>
  );
}

export function SharingPage(p: {
  chrome: Chrome;
  catalogue: Catalogue;
  data: SharingData;
  give: { values: FormBody; errors: FieldError[] };
  requestErrors: { id: string; errors: FieldError[] } | null;
  /** Referrals, delegates and emergency access (pages/care.tsx). */
  care?: ComponentChildren;
}) {
  const { data, catalogue } = p;
  return (
    <Page chrome={p.chrome}>
      <p>{s.intro}</p>
      {data.grants.length === 0 ? (
        <p>{s.nobody}</p>
      ) : (
        <ul class="plain">
          {data.grants.map((g) => (
            <li key={g.item.id} class="card">
              <p>{g.sentence}</p>
              <div class="actions">
                <PostForm action={`/app/sharing/grants/${g.item.id}/revoke`} submit={s.revoke} buttonClass="danger" buttonLabel={s.revokeLabel(g.who)} class="inline" />
                <a href={`/app/sharing/grants/${g.item.id}`}>{s.receiptTitle}</a>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2 id="requests">{s.requests}</h2>
      {data.requests.length === 0 ? (
        <p>{s.noRequests}</p>
      ) : (
        data.requests.map((r) => <ApproveForm key={r.item.id} catalogue={catalogue} request={r} errors={p.requestErrors?.id === r.item.id ? p.requestErrors.errors : []} />)
      )}
      {p.care}
      <h2 id="watches">{s.watches}</h2>
      {data.watches.length === 0 ? (
        <p>{s.noWatches}</p>
      ) : (
        <ul class="plain">
          {data.watches.map((w) => (
            <li key={w.item.id} class="card">
              <p>{w.sentence}</p>
              <PostForm action={`/app/sharing/watches/${w.item.id}/delete`} submit={s.removeWatch} buttonClass="secondary" buttonLabel={s.removeWatchLabel(w.who, typeWords(catalogue, w.item.type))} />
            </li>
          ))}
        </ul>
      )}
      <GiveAccessForm catalogue={catalogue} values={p.give.values} errors={p.give.errors} />
      {data.ended.length > 0 && (
        <>
          <h2>{s.pastGrants}</h2>
          <ul>
            {data.ended.map((g) => (
              <li key={g.item.id}>
                <a href={`/app/sharing/grants/${g.item.id}`}>{g.sentence}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

function Hidden({ values }: { values: FormBody }) {
  return (
    <>
      {Object.entries(values).flatMap(([name, v]) => (v === undefined ? [] : [v].flat()).map((one, i) => <input key={`${name}${i}`} type="hidden" name={name} value={one} />))}
    </>
  );
}

export function PreviewPage({ chrome, catalogue, sentence, preview, values }: { chrome: Chrome; catalogue: Catalogue; sentence: string; preview: Preview; values: FormBody }) {
  return (
    <Page chrome={chrome}>
      <p>{sentence}</p>
      {preview.total === 0 ? (
        <p>{s.previewNone}</p>
      ) : (
        <>
          <p>{s.previewTotal(preview.total)}</p>
          <ul>
            {Object.entries(preview.byType).map(([type, n]) => (
              <li key={type}>{`${typeWords(catalogue, type)}: ${n}`}</li>
            ))}
          </ul>
          <p>{s.previewRange(dateWords(preview.first!), dateWords(preview.last!))}</p>
          <p class="hint">{Object.keys(preview.byCategory).map((c) => categoryWords(catalogue, c)).join(', ')}</p>
        </>
      )}
      <div class="actions">
        <PostForm action="/app/sharing/grants" submit={s.confirm} class="inline">
          <Hidden values={values} />
        </PostForm>
        <a href="/app/sharing#give">{s.change}</a>
      </div>
    </Page>
  );
}

export function GrantPage({ chrome, sentence, grant }: { chrome: Chrome; sentence: string; grant: GrantView }) {
  return (
    <Page chrome={chrome}>
      <p>{sentence}</p>
      <h2>{s.receiptTitle}</h2>
      <p>{s.receiptIntro}</p>
      <p class="receipt">{grant.revocationReceipt ?? grant.receipt}</p>
      {grant.revocationReceipt && (
        <details>
          <summary>{s.granted}</summary>
          <p class="receipt">{grant.receipt}</p>
        </details>
      )}
      <p>
        <a href="/app/sharing">{s.title}</a>
      </p>
    </Page>
  );
}
