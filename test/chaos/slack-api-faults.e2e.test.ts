/**
 * Slack's Web API failing during an approved apply: answering 429 (with Retry-After) or 5xx, or not
 * answering at all (a request lost on its way, abandoned after VPNBOT_SLACK_TIMEOUT_MS and retried).
 * The progress edits, the final state, the matrix and its heat map arrive late but arrive, once each,
 * and the app keeps answering new commands meanwhile.
 */
import { proposeOverHttp, serveOnEmulatorSuite, type ServeOnEmulator } from '../helpers/serve-process';
import { postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'slack-faults-signing-secret';
const failing = serveOnEmulatorSuite(SECRET, 0.002);
const silent = serveOnEmulatorSuite(SECRET, 0.002, { VPNBOT_SLACK_TIMEOUT_MS: '1500' });

/**
 * Plans the seed, sets up the faults, approves, checks a command is answered meanwhile, and waits
 * for the run's end in its thread; then checks that each message of the thread is there once.
 */
async function applyWhileSlackFails(suite: ServeOnEmulator, rid: string, inject: () => void): Promise<void> {
  const { plan, approve } = await proposeOverHttp(suite.slack, suite.url, SECRET, `${rid}-plan`);
  inject();
  await approve('U2', `${rid}-ok`);
  const help = await postSigned(
    suite.url,
    SECRET,
    slashCommand('help', 'U3', { responseUrl: `${suite.slack.url}/respond/${rid}-help` }),
  );
  expect(help.status).toBe(200);
  // Slack's contract, not a speed target: an ack later than 3 s is dropped.
  expect(help.ms).toBeLessThan(3000);
  await suite.slack.waitFor('the help answer', () => suite.slack.responses.find((r) => r.id === `${rid}-help`));

  const inThread = (text: RegExp) =>
    suite.slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && text.test(String(c.args.text)));
  await suite.slack.waitFor(
    'the final progress state',
    () => suite.slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')),
    90_000,
  );
  await suite.slack.waitFor(
    'the matrix in the thread',
    () => inThread(/^Ping matrix for ikev1test/).length > 0,
    60_000,
  );
  await suite.slack.waitFor(
    'the heat map',
    () => [...suite.slack.uploads.values()].find((u) => u.completed?.thread_ts === plan.ts),
    60_000,
  );
  // Nothing lost, nothing doubled.
  expect(inThread(/^Ping matrix for ikev1test/)).toHaveLength(1);
  expect(inThread(/^Applying/)).toHaveLength(1);
  expect([...suite.slack.uploads.values()].filter((u) => u.completed?.thread_ts === plan.ts)).toHaveLength(1);
}

describe('the Slack API failing during an apply', () => {
  it('answering 429 and 5xx: each failure is met and retried', async () => {
    await applyWhileSlackFails(failing, 'sf', () => {
      for (let i = 0; i < 3; i++) failing.slack.failNext('chat.update', 429, 1);
      failing.slack.failNext('chat.update', 503);
      failing.slack.failNext('chat.postMessage', 503);
      failing.slack.failNext('chat.postMessage', 429, 1);
      failing.slack.failNext('files.getUploadURLExternal', 503);
      failing.slack.failNext('files.completeUploadExternal', 429, 1);
    });
    expect(failing.slack.calls.filter((c) => / \(answered (429|503)\)$/.test(c.method))).toHaveLength(8);
  });

  it('not answering at all: each silent call is timed out and made again', async () => {
    await applyWhileSlackFails(silent, 'st', () => {
      silent.slack.stallNext('chat.postMessage');
      silent.slack.stallNext('chat.update');
      silent.slack.stallNext('chat.update');
    });
    expect(
      silent.slack.calls
        .filter((c) => c.method.endsWith(' (stalled)'))
        .map((c) => c.method)
        .sort(),
    ).toEqual(['chat.postMessage (stalled)', 'chat.update (stalled)', 'chat.update (stalled)']);
  });
});
