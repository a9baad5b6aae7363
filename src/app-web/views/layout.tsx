import type { ComponentChildren } from 'preact';
import type { Actor } from '../../core/actor.js';
import { messages } from '../messages.js';

/** What every page's frame needs: its title, who is looking, where they are. */
export interface Chrome {
  title: string;
  actor: Actor | null;
  path: string;
  /** A confirmation to show at the top (from the messages module only, never request text). */
  notice?: string | undefined;
}

const m = messages.nav;

function navFor(actor: Actor): [string, string][] {
  if (actor.kind === 'citizen') {
    return [
      ['/app/', m.home],
      ['/app/records', m.records],
      ['/app/records/new', m.addRecord],
      ['/app/sharing', m.sharing],
      ['/app/access-log', m.accessLog],
      ['/app/account', m.account],
    ];
  }
  if (actor.kind === 'practitioner') {
    return [
      ['/app/people', m.people],
      ['/app/alerts', m.alerts],
    ];
  }
  return [['/app/', m.home]];
}

export function Layout({ chrome, children }: { chrome: Chrome; children: ComponentChildren }) {
  const { actor, path } = chrome;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${chrome.title} – ${messages.appName}`}</title>
        <link rel="stylesheet" href="/app/assets/app.css" />
        <script type="module" src="/app/assets/app.js" />
      </head>
      <body>
        <a class="skip" href="#main">
          {messages.skipToMain}
        </a>
        <header class="top">
          <a class="brand" href="/app/">
            {messages.appName}
          </a>
          {actor && (
            <nav aria-label={m.label}>
              <ul>
                {navFor(actor).map(([href, label]) => (
                  <li key={href}>
                    <a href={href} aria-current={href === path ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
                <li>
                  <form method="post" action="/app/logout" class="inline">
                    <button type="submit" class="link">
                      {m.logOut}
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          )}
        </header>
        <main id="main">
          {chrome.notice && (
            <p class="notice" role="status">
              {chrome.notice}
            </p>
          )}
          <h1>{chrome.title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}
