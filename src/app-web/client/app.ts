/**
 * The app's only script, a progressive enhancement: every page works without it. It
 * - tells record forms the browser's offset from UTC on the day typed in, so a time is read as
 *   local time, and shows "now" on the person's own clock;
 * - keeps the alerts page live over server-sent events (the session cookie authenticates the
 *   stream; no token is ever in reach of this script), building new items with textContent only.
 */

function setTimeZone(): void {
  const now = new Date();
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-tz-offset]')) {
    input.value = String(now.getTimezoneOffset());
    // The offset that counts is the one on the day typed in (summer time differs from winter).
    input.form?.addEventListener('submit', () => {
      const when = input.form?.querySelector<HTMLInputElement>('input[type="datetime-local"]')?.value;
      const at = when ? new Date(when) : now;
      if (!Number.isNaN(at.getTime())) input.value = String(at.getTimezoneOffset());
    });
  }
  // The server fills "now" in UTC; shown to the person, it should be their own clock's now.
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-now]')) {
    if (input.value !== input.dataset.now) continue;
    const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
    input.value = local.toISOString().slice(0, 16);
  }
}

interface LiveAlert {
  id: string;
  kind: string;
  subjectId: string;
  type: string;
  at: string;
  matched: Record<string, unknown>;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function alertItem(list: HTMLElement, alert: LiveAlert): HTMLLIElement {
  const labels = JSON.parse(list.dataset.typeLabels ?? '{}') as Record<string, string>;
  const label = labels[alert.type] ?? alert.type;
  const li = el('li');
  li.className = 'card alert-item unacked';
  const head = el('p');
  head.append(el('strong', label), ' — ');
  const person = el('a', `Person ${alert.subjectId.slice(0, 8)}`);
  person.href = `/app/people/${encodeURIComponent(alert.subjectId)}`;
  const time = el('time', new Date(alert.at).toUTCString());
  time.dateTime = alert.at;
  head.append(person, ' — ', time);
  const m = alert.matched as { field?: string; value?: number; op?: string; threshold?: number; flag?: string };
  const what = el('p', m.flag ? `Matched: ${m.flag}` : m.field !== undefined ? `Matched: ${m.field} ${m.value} (${m.op} ${m.threshold})` : '');
  const form = el('form');
  form.method = 'post';
  form.action = `/app/alerts/${encodeURIComponent(alert.id)}/ack`;
  const button = el('button', list.dataset.ackText ?? 'Acknowledge');
  button.type = 'submit';
  button.className = 'secondary';
  button.setAttribute('aria-label', `${button.textContent}: ${label}`);
  form.append(button);
  li.append(head, what, form);
  return li;
}

function liveAlerts(): void {
  const list = document.querySelector<HTMLElement>('[data-live-alerts]');
  if (!list || !('EventSource' in window)) return;
  const status = document.getElementById('live-status');
  const source = new EventSource(list.dataset.liveAlerts!);
  // Marks the list as live once the stream is open (a hook for styles and tests).
  source.addEventListener('open', () => list.setAttribute('data-live', 'open'));
  source.addEventListener('alert', (event) => {
    const alert = JSON.parse((event as MessageEvent<string>).data) as LiveAlert;
    if (document.getElementById(`alert-${alert.id}`)) return;
    const item = alertItem(list, alert);
    item.id = `alert-${alert.id}`;
    list.prepend(item);
    document.getElementById('no-alerts')?.remove();
    if (status) status.textContent = `${list.dataset.liveText ?? 'New alert'}: ${item.querySelector('strong')?.textContent ?? ''}`;
  });
  window.addEventListener('pagehide', () => source.close());
}

setTimeZone();
liveAlerts();
