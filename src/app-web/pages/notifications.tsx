import { messages } from '../messages.js';
import { Page } from '../render.js';
import { PostForm } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';

const n = messages.notifications;

/** A notice as a sentence, with where it leads. */
export interface NoticeLine {
  id: string;
  sentence: string;
  /** Whom it is about, for supporters (the person, by their store id). */
  about: string | null;
  at: string;
  when: string;
  unread: boolean;
  target: string | null;
}

function Notice({ line }: { line: NoticeLine }) {
  return (
    <li class={line.unread ? 'card unread-item' : 'card'}>
      <p>
        {line.sentence}
        {line.about && <span class="hint">{` ${line.about}`}</span>}
      </p>
      <p class="hint">
        <time datetime={line.at}>{line.when}</time>
      </p>
      <div class="actions">
        {line.target && line.unread && <PostForm action={`/app/notifications/${line.id}/open`} submit={n.open} class="inline" buttonLabel={`${n.open}: ${line.sentence}`} />}
        {line.target && !line.unread && (
          <a href={line.target} aria-label={`${n.open}: ${line.sentence}`}>
            {n.open}
          </a>
        )}
        {line.unread && <PostForm action={`/app/notifications/${line.id}/read`} submit={n.markRead} class="inline" buttonClass="secondary" buttonLabel={`${n.markRead}: ${line.sentence}`} />}
      </div>
    </li>
  );
}

export function NotificationsPage({ chrome, unread, earlier }: { chrome: Chrome; unread: NoticeLine[]; earlier: NoticeLine[] }) {
  return (
    <Page chrome={chrome}>
      <p>{n.intro}</p>
      <h2 id="unread">{n.unread}</h2>
      {unread.length === 0 ? (
        <p>{n.none}</p>
      ) : (
        <ul class="plain" aria-labelledby="unread">
          {unread.map((l) => (
            <Notice key={l.id} line={l} />
          ))}
        </ul>
      )}
      <h2 id="earlier">{n.earlier}</h2>
      {earlier.length === 0 ? (
        <p>{n.noneEarlier}</p>
      ) : (
        <ul class="plain" aria-labelledby="earlier">
          {earlier.map((l) => (
            <Notice key={l.id} line={l} />
          ))}
        </ul>
      )}
    </Page>
  );
}
