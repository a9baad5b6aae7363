import type { FastifyReply, FastifyRequest } from 'fastify';
import { messages } from '../messages.js';
import { chromeOf, Page, sendPage } from '../render.js';

const e = messages.errors;

/** An error as a page in the app's frame; never the error's own text, which may carry request data. */
export function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, kind?: 'cross-origin' | 'validation' | 'acting') {
  let title: string = e.failed;
  let body: string = e.failedText;
  if (status === 404 && request.routeOptions.config?.access) [title, body] = [e.noAccess, e.noAccessText];
  else if (status === 404) [title, body] = [e.notFound, e.notFoundText];
  else if (status === 403) [title, body] = [e.forbidden, kind === 'cross-origin' ? e.crossOrigin : kind === 'acting' ? messages.acting.outside : e.notFoundText];
  else if (status === 429) [title, body] = [e.tooMany, e.tooManyText];
  else if (status < 500) [title, body] = [e.failed, messages.errors.failedText];
  return sendPage(
    reply,
    <Page chrome={chromeOf(request, title)}>
      <p>{body}</p>
      {status === 404 && request.routeOptions.config?.access && request.actor?.kind === 'practitioner' && (
        <p>
          {messages.emergency.noAccessHint} <a href="/app/people#emergency">{messages.emergency.breakGlass}</a>
        </p>
      )}
      {kind === 'acting' ? (
        <form method="post" action="/app/delegations/stop">
          <button type="submit">{messages.acting.stop}</button>
        </form>
      ) : (
        <p>
          <a href="/app/">{e.backHome}</a>
        </p>
      )}
    </Page>,
    status,
  );
}
