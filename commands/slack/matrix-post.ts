/**
 * A ping matrix in Slack: the table (in a thread, or in the channel) and its heat map uploaded into
 * the thread. A refusal goes back privately; a failed upload loses only the picture, said so.
 */
import type { WebClient } from '@slack/web-api';
import type { MeasureResult } from '../../src/app/ping-use-cases';
import { renderHeatMapPng } from '../../src/probe/heat-map';
import { matrixCsv } from '../../src/probe/matrix-digest';
import type { PingMatrix } from '../../src/probe/ping-matrix';
import { escapeMrkdwn, messageArgs, textMessage } from './blocks';
import { matrixMessage } from './ping-blocks';
import type { Respond } from './private-reply';
import type { SlackDeps } from './slack-deps';
import { cannotPostThere, WHERE_HINT } from './where-to-post';

export async function postMatrix(
  deps: SlackDeps,
  result: MeasureResult,
  where: { channel: string; threadTs?: string },
  client: WebClient,
  respond: Respond,
  title: string,
): Promise<void> {
  if (!result.ok) return void (await respond({ response_type: 'ephemeral', ...textMessage(result.refusal) }));
  const message = matrixMessage(result.matrix, { sandbox: deps.services.sandbox, title });
  let posted: Awaited<ReturnType<WebClient['chat']['postMessage']>>;
  try {
    posted = await client.chat.postMessage({
      channel: where.channel,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      ...messageArgs(message),
    });
  } catch (e) {
    if (!cannotPostThere(e)) throw e;
    // The measurement is kept (`/vpn ping <name> history` shows it); only its message has nowhere to go.
    return void (await respond({
      response_type: 'ephemeral',
      text: `${WHERE_HINT['not-a-member']} The measurement is kept: \`/vpn ping ${escapeMrkdwn(result.matrix.topology)} history\` shows it.`,
    }));
  }
  await uploadHeatMap(deps, result.matrix, where.channel, where.threadTs ?? posted.ts!, client);
  if (message.large) await uploadMatrixCsv(deps, result.matrix, where.channel, where.threadTs ?? posted.ts!, client);
}

/** A large matrix's full table, as a CSV file in its thread (the message shows a digest). */
export async function uploadMatrixCsv(
  deps: SlackDeps,
  matrix: PingMatrix,
  channel: string,
  threadTs: string,
  client: WebClient,
): Promise<void> {
  const stamp = new Date(matrix.measuredAt).toISOString().replace(/[:.]/g, '-');
  try {
    await client.files.uploadV2({
      channel_id: channel,
      thread_ts: threadTs,
      content: matrixCsv(matrix),
      filename: `${matrix.topology}-ping-matrix-${stamp}.csv`,
      title: `Ping matrix: ${matrix.topology}, every pair${deps.services.sandbox ? ' (sandbox)' : ''}`,
    });
  } catch (e) {
    deps.log.warn({ err: e }, 'the matrix CSV could not be uploaded');
    await client.chat
      .postMessage({
        channel,
        thread_ts: threadTs,
        text: 'The full table could not be uploaded; `vpnbot ping <name> --json` prints it.',
      })
      .catch(() => undefined);
  }
}

export async function uploadHeatMap(
  deps: SlackDeps,
  matrix: PingMatrix,
  channel: string,
  threadTs: string,
  client: WebClient,
): Promise<void> {
  const sandbox = deps.services.sandbox;
  try {
    const png = renderHeatMapPng(matrix, { sandbox });
    const stamp = new Date(matrix.measuredAt).toISOString().replace(/[:.]/g, '-');
    await client.files.uploadV2({
      channel_id: channel,
      thread_ts: threadTs,
      file: png,
      filename: `${matrix.topology}-ping-matrix-${stamp}.png`,
      title: `Ping matrix: ${matrix.topology}${sandbox ? ' (sandbox)' : ''}`,
      alt_text: `Heat map of the ping matrix of ${matrix.topology}`,
    });
  } catch (e) {
    deps.log.warn({ err: e }, 'heat map upload failed');
    await client.chat
      .postMessage({
        channel,
        thread_ts: threadTs,
        text: 'The heat map could not be uploaded (the table above is complete); `vpnbot ping <name> --png FILE` writes it locally.',
      })
      .catch(() => undefined);
  }
}
