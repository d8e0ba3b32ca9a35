/**
 * Slack's Web API answering 429 (with Retry-After) and 5xx during an approved apply: the progress
 * edits, the final state, the matrix and its heat map arrive late but arrive, once each, and the
 * app keeps answering new commands meanwhile.
 */
import type { FakeSlack } from '../fakes/fake-slack';
import { startServeOnEmulator } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'slack-faults-signing-secret';
let slack: FakeSlack;
let url = '';
let stop: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ slack, url, stop } = await startServeOnEmulator(SECRET, 0.002));
});
afterAll(() => stop());

describe('the Slack API failing during an apply', () => {
  it('delays progress and results without losing or doubling them, and commands are still answered', async () => {
    await postSigned(url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: `${slack.url}/respond/sf-plan` }));
    const plan = await slack.waitFor('the plan', () => slack.of('chat.postMessage').find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')));
    const planId = /"value":"(plan-[0-9a-f]+)"/.exec(JSON.stringify(plan.args.blocks))![1]!;
    for (let i = 0; i < 3; i++) slack.failNext('chat.update', 429, 1);
    slack.failNext('chat.update', 503);
    slack.failNext('chat.postMessage', 503);
    slack.failNext('chat.postMessage', 429, 1);
    slack.failNext('files.getUploadURLExternal', 503);
    slack.failNext('files.completeUploadExternal', 429, 1);
    const t0 = Date.now();
    await postSigned(url, SECRET, buttonClick('plan.approve', planId, 'U2', { messageTs: plan.ts!, responseUrl: `${slack.url}/respond/sf-ok`, blocks: plan.args.blocks as unknown[] }));
    // Meanwhile a command is answered.
    const help = await postSigned(url, SECRET, slashCommand('help', 'U3', { responseUrl: `${slack.url}/respond/sf-help` }));
    expect(help.status).toBe(200);
    expect(help.ms).toBeLessThan(3000);
    await slack.waitFor('the help answer', () => slack.responses.find((r) => r.id === 'sf-help'));

    await slack.waitFor('the final progress state', () => slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')), 90_000);
    const matrix = await slack.waitFor('the matrix in the thread', () => slack.of('chat.postMessage').find((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test')), 60_000);
    await slack.waitFor('the heat map', () => [...slack.uploads.values()].find((u) => u.completed?.thread_ts === plan.ts), 60_000);
    expect(Date.now() - t0).toBeGreaterThan(1000); // the Retry-After pauses were honoured
    // Every injected failure was met, and retried: nothing lost, nothing doubled.
    expect(slack.calls.filter((c) => / \(answered (429|503)\)$/.test(c.method))).toHaveLength(8);
    expect(slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test'))).toEqual([matrix]);
    expect([...slack.uploads.values()].filter((u) => u.completed?.thread_ts === plan.ts)).toHaveLength(1);
    expect(slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && /^Applying/.test(String(c.args.text)))).toHaveLength(1);
  });
});
