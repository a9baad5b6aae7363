import { messages } from '../messages.js';
import { Page } from '../render.js';
import { PostForm } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';

const a = messages.acting;

export interface DelegatedPerson {
  id: string;
  person: string;
  sentence: string;
  /** Whether this browser acts under it now. */
  current: boolean;
}

export function DelegationsPage({ chrome, people }: { chrome: Chrome; people: DelegatedPerson[] }) {
  return (
    <Page chrome={chrome}>
      <p>{a.intro}</p>
      {people.length === 0 ? (
        <p>{a.none}</p>
      ) : (
        <ul class="plain">
          {people.map((p) => (
            <li key={p.id} class="card">
              <p>{p.sentence}</p>
              {p.current ? (
                <>
                  <p>
                    <strong>{a.banner(p.person)}</strong>
                  </p>
                  <PostForm action="/app/delegations/stop" submit={a.stop} buttonClass="secondary" />
                </>
              ) : (
                <PostForm action={`/app/delegations/${p.id}/act`} submit={a.actLabel(p.person)} />
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
