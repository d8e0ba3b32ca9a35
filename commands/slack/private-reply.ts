/** Private answers to the person who asked, and the one shape a failure takes in Slack. */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ERROR_CODES, isVpnbotError } from '../../src/errors';
import { escapeMrkdwn } from './blocks';

/** Bolt's `respond` (the response URL), or a stand-in posting an ephemeral message. */
export type Respond = (message: Record<string, unknown>) => Promise<unknown>;

/**
 * A reply through a response URL kept from a signed command (a form's submission carries no other
 * way to answer privately in a channel vpnbot is not in): what Bolt's own `respond` does.
 */
export function respondVia(responseUrl: string, timeoutMs = 10_000): Respond {
  return async (message) => {
    const r = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!r.ok) throw new Error(`the response URL answered ${r.status}`);
    return r;
  };
}

/**
 * Errors as a short private reply: what the requester can fix is said in its own words and hint
 * (with the thread it concerns, when there is one); any other fault gets its code and an id to find
 * the log line. Never a stack or a secret.
 */
export async function replyFault(
  log: Logger,
  respond: Respond,
  thrown: unknown,
  where: string,
  linkTo?: (thread: { channel: string; ts: string }) => Promise<string | undefined>,
): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const code = isVpnbotError(thrown) ? thrown.code : 'engine.fault';
  log.error({ err: thrown, faultId: id, where }, `slack ${where} failed`);
  const thread = isVpnbotError(thrown)
    ? (thrown.details.thread as { channel: string; ts: string } | undefined)
    : undefined;
  const link = thread && linkTo ? await linkTo(thread).catch(() => undefined) : undefined;
  const userFacing =
    isVpnbotError(thrown) && ERROR_CODES[thrown.code].userFixable
      ? `${escapeMrkdwn(thrown.message)}${link ? ` (<${link}|its thread>)` : ''}. ${escapeMrkdwn(ERROR_CODES[thrown.code].hint)}.`
      : `vpnbot could not finish that (${code}, log id ${id}).`;
  await respond({ response_type: 'ephemeral', replace_original: false, text: userFacing }).catch(() => undefined);
}
