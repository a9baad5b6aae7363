import type { ComponentChildren } from 'preact';
import type { Actor } from '../../core/actor.js';
import { messages } from '../messages.js';
import { powersWords } from './words.js';

/** What every page's frame needs: its title, who is looking, where they are. */
export interface Chrome {
  title: string;
  actor: Actor | null;
  path: string;
  /** A confirmation to show at the top (from the messages module only, never request text). */
  notice?: string | undefined;
  /** What the navigation shows beside the links: unread notices, whom the caller acts for. */
  extras?: ChromeExtras | undefined;
}

export interface ChromeExtras {
  /** Unread notices (for account kinds that have them); counted up to 100. */
  unread: number | null;
  /** The person a delegate acts for in this browser, and the powers they gave. */
  acting: { name: string; powers: string[] } | null;
  /** Whether anyone has named the caller as their delegate. */
  actsForOthers: boolean;
}

const m = messages.nav;

type NavItem = [href: string, label: string, badge?: number];

function navFor(actor: Actor, extras: ChromeExtras | undefined): NavItem[] {
  const unread: NavItem = ['/app/notifications', m.notifications, extras?.unread ?? 0];
  if (extras?.acting) {
    // Acting for someone: only the pages their powers open (docs/web-app.md, "Acting for someone").
    const powers = extras.acting.powers;
    const items: NavItem[] = [];
    if (powers.includes('read-records')) items.push(['/app/', m.home], ['/app/records', m.theirRecords]);
    if (powers.includes('add-records')) items.push(['/app/records/new', m.addRecord]);
    if (powers.includes('manage-sharing')) items.push(['/app/sharing', m.theirSharing], ['/app/access-log', m.accessLog], unread);
    return items;
  }
  const delegations: NavItem[] = extras?.actsForOthers ? [['/app/delegations', m.delegations]] : [];
  if (actor.kind === 'citizen') {
    return [
      ['/app/', m.home],
      ['/app/records', m.records],
      ['/app/records/new', m.addRecord],
      ['/app/sharing', m.sharing],
      ['/app/access-log', m.accessLog],
      unread,
      ...delegations,
      ['/app/account', m.account],
    ];
  }
  if (actor.kind === 'practitioner') {
    return [['/app/people', m.people], ['/app/alerts', m.alerts], ['/app/outcomes', m.outcomes], ['/app/referrals', m.referrals], unread, ...delegations];
  }
  return [['/app/', m.home]];
}

/** The banner on every page while a delegate acts for someone, with the way back to themselves. */
function ActingBanner({ acting }: { acting: { name: string; powers: string[] } }) {
  const a = messages.acting;
  return (
    <section class="acting" aria-label={a.bannerLabel}>
      <p>
        <strong>{a.banner(acting.name)}</strong>
      </p>
      <p class="hint">{a.powers(powersWords(acting.powers, a.theirPowers))}</p>
      <form method="post" action="/app/delegations/stop" class="inline">
        <button type="submit" class="secondary">
          {a.stop}
        </button>
      </form>
    </section>
  );
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
                {navFor(actor, chrome.extras).map(([href, label, badge]) => (
                  <li key={href}>
                    <a href={href} aria-current={href === path ? 'page' : undefined}>
                      {label}
                      {badge ? (
                        <span class="badge">
                          {badge >= 100 ? '99+' : String(badge)}
                          <span class="visually-hidden">{` ${m.unread}`}</span>
                        </span>
                      ) : null}
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
        {chrome.extras?.acting && <ActingBanner acting={chrome.extras.acting} />}
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
