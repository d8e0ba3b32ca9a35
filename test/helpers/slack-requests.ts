/** Requests to a Slack app, signed exactly as Slack signs them (v0 HMAC-SHA256 over `v0:ts:body`). */
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPost {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** POSTs a form body to the app; `sign` can forge or age the signature for refusal tests. */
export async function postSigned(
  url: string,
  secret: string,
  form: Record<string, string>,
  sign: { timestamp?: number; secret?: string } = {},
): Promise<SignedPost> {
  const body = new URLSearchParams(form).toString();
  const ts = sign.timestamp ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(sign.secret ?? secret, ts, body),
    },
    body,
  });
  return { status: r.status, body: await r.text(), ms: Date.now() - started };
}

export function slashCommand(
  text: string,
  user: string,
  o: { channel?: string; responseUrl: string; team?: string },
): Record<string, string> {
  return {
    token: 'deprecated',
    team_id: o.team ?? 'T1',
    team_domain: 'acme',
    channel_id: o.channel ?? 'C1',
    channel_name: 'netops',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/vpn',
    text,
    api_app_id: 'A1',
    response_url: o.responseUrl,
    trigger_id: `trig.${Date.now()}`,
  };
}

/** A click on a button of a message, as a `block_actions` interaction payload. */
export function buttonClick(
  actionId: string,
  value: string,
  user: string,
  o: {
    channel?: string;
    messageTs: string;
    responseUrl: string;
    blocks?: unknown[];
    /** The workspace the click comes from, and the one its user belongs to (a Slack Connect guest's differs). */
    team?: string;
    userTeam?: string;
  },
): Record<string, string> {
  return {
    payload: JSON.stringify({
      type: 'block_actions',
      team: { id: o.team ?? 'T1', domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: o.userTeam ?? o.team ?? 'T1' },
      api_app_id: 'A1',
      token: 'deprecated',
      container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel ?? 'C1', is_ephemeral: false },
      trigger_id: `trig.${Date.now()}`,
      channel: { id: o.channel ?? 'C1', name: 'netops' },
      message: { type: 'message', ts: o.messageTs, text: 'plan', blocks: o.blocks ?? [] },
      response_url: o.responseUrl,
      actions: [
        { type: 'button', action_id: actionId, block_id: 'plan.decision', value, action_ts: String(Date.now() / 1000) },
      ],
    }),
  };
}

/** POSTs an Events API envelope (JSON), signed as Slack signs it. */
export async function postSignedEvent(
  url: string,
  secret: string,
  event: Record<string, unknown>,
): Promise<SignedPost> {
  const body = JSON.stringify({
    token: 'deprecated',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
  const ts = Math.floor(Date.now() / 1000);
  const started = Date.now();
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(secret, ts, body),
    },
    body,
  });
  return { status: r.status, body: await r.text(), ms: Date.now() - started };
}

/** A plan message's id, read from its Approve button. */
export const planIdOf = (blocks: unknown): string => /"value":"(plan-[0-9a-f]+)"/.exec(JSON.stringify(blocks))![1]!;
