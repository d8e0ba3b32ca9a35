/**
 * Releases the read timer the SDKs' HTTP layer leaves behind on every call.
 *
 * httpx (2.3.x, under @darabonba/typescript) arms a `readTimeout` timer on each request's socket and
 * clears it only in its own body reader; the SDKs read bodies with another reader, so every timer
 * stays pending for the whole timeout (20 s by default) and holds its request, response and headers
 * alive: a 50-site apply in the bench kept all its 5,000 requests, about 35 MB. Once a response has
 * ended the timer has nothing left to guard, so it is cleared then.
 *
 * How: Node's `http.client.request.start` diagnostics channel (an observer API, not a patch) gives
 * each request; the timer sits on its socket under httpx's private symbol, found by its description.
 * If a later httpx renames it, nothing breaks: timers then run out as before, and the test of this
 * module fails so the change is noticed.
 */
import { channel } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

const TIMER_SYMBOL_DESCRIPTION = 'TIMER::READ_TIMER';
/**
 * Marks the channel once subscribed. On the channel, not in this module: the channel is one per
 * process, while a module may be loaded more than once (test runners give each file its own).
 */
const INSTALLED = Symbol.for('vpnbot.release-read-timers');

/** The socket's pending httpx read timer, with the symbol it sits under. */
function readTimerOf(request: ClientRequest): { key: symbol; timer: NodeJS.Timeout } | undefined {
  const socket = request.socket as (NonNullable<ClientRequest['socket']> & Record<symbol, unknown>) | null;
  if (!socket) return undefined;
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === TIMER_SYMBOL_DESCRIPTION);
  const timer = key ? socket[key] : undefined;
  return key && timer ? { key, timer: timer as NodeJS.Timeout } : undefined;
}

/** Installs the release once per process; later calls do nothing. */
export function releaseReadTimers(): void {
  const requests = channel('http.client.request.start') as ReturnType<typeof channel> & Record<symbol, boolean>;
  if (requests[INSTALLED]) return;
  requests[INSTALLED] = true;
  requests.subscribe((message) => {
    const { request } = message as { request: ClientRequest };
    request.once('response', (response: IncomingMessage) => {
      // The timer armed for this request (on connect, or on a reused socket): read now, before a
      // keep-alive socket goes on to the next request and gets that request's timer.
      const armed = readTimerOf(request);
      if (!armed) return;
      response.once('end', () => {
        clearTimeout(armed.timer);
        const socket = request.socket as unknown as Record<symbol, unknown> | null;
        if (socket && socket[armed.key] === armed.timer) socket[armed.key] = null;
      });
    });
  });
}
