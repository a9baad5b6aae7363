/** A live `text/event-stream` read into text, for tests of streams held open over real HTTP. */
export interface SseReader {
  status: number;
  /** Everything received so far. */
  text(): string;
  /** Resolves true when the server ended the stream, false if it is still open after `ms`. */
  ended(ms: number): Promise<boolean>;
  /** Resolves true once `check(text)` holds, false after `ms`. */
  waitFor(check: (text: string) => boolean, ms: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function openSse(url: string, token: string): Promise<SseReader> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
  let text = '';
  let done = false;
  const reading = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) break;
      text += decoder.decode(value, { stream: true });
    }
    done = true;
  })();
  const poll = async (check: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (check()) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return check();
  };
  return {
    status: res.status,
    text: () => text,
    ended: (ms) => poll(() => done, ms),
    waitFor: (check, ms) => poll(() => check(text), ms),
    async close() {
      controller.abort();
      await reading;
    },
  };
}
