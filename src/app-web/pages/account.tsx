import type { FieldError } from '../../errors.js';
import type { Me } from '../../features/accounts/schemas.js';
import { messages } from '../messages.js';
import { Page } from '../render.js';
import { ErrorSummary, PostForm, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';

const a = messages.account;

/** One access-log entry, already put into words by the route. */
export interface TimelineEntry {
  id: string;
  at: string;
  when: string;
  relative: string;
  sentence: string;
}

export function AccessLogPage({ chrome, entries, next }: { chrome: Chrome; entries: TimelineEntry[]; next: string | null }) {
  return (
    <Page chrome={chrome}>
      <p>{messages.log.intro}</p>
      {entries.length === 0 ? (
        <p>{messages.log.empty}</p>
      ) : (
        <ol class="timeline">
          {entries.map((e) => (
            <li key={e.id}>
              <time datetime={e.at}>{`${e.when} (${e.relative})`}</time>
              <p>{e.sentence}</p>
            </li>
          ))}
        </ol>
      )}
      {next && (
        <p>
          <a href={`/app/access-log?cursor=${encodeURIComponent(next)}`}>{messages.log.older}</a>
        </p>
      )}
    </Page>
  );
}

export function AccountPage({ chrome, me, errors }: { chrome: Chrome; me: Me; errors: FieldError[] }) {
  return (
    <Page chrome={chrome}>
      <dl>
        <dt>{a.handle}</dt>
        <dd>{me.handle}</dd>
        <dt>{a.displayName}</dt>
        <dd>{me.displayName}</dd>
        <dt>{a.subjectId}</dt>
        <dd>
          <code>{me.subjectId}</code>
        </dd>
      </dl>
      <h2>{a.export}</h2>
      <p>{a.exportIntro}</p>
      <ul>
        <li>
          <a href="/app/account/export?format=json" download="">
            {a.exportJson}
          </a>
        </li>
        <li>
          <a href="/app/account/export?format=fhir" download="">
            {a.exportFhir}
          </a>
        </li>
      </ul>
      <h2>{a.erase}</h2>
      <p>{a.eraseIntro}</p>
      <ErrorSummary errors={errors} labels={{ password: a.erasePassword }} />
      <PostForm action="/app/account/erase" submit={a.eraseSubmit} buttonClass="danger">
        <TextInput name="password" label={a.erasePassword} type="password" errors={errors} autocomplete="current-password" />
      </PostForm>
    </Page>
  );
}
