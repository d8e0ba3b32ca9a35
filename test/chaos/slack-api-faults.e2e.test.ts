/**
 * Slack's Web API answering 429 (with Retry-After) and 5xx during an approved apply: the progress
 * edits, the final state, the matrix and its heat map arrive late but arrive, once each, and the
 * app keeps answering new commands meanwhile.
 */
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'slack-faults-signing-secret';
const suite = serveOnEmulatorSuite(SECRET, 0.002);

describe('the Slack API failing during an apply', () => {
  it('delays progress and results without losing or doubling them, and commands are still answered', async () => {
    await postSigned(suite.url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: `${suite.slack.url}/respond/sf-plan` }));
    const plan = await suite.slack.waitFor('the plan', () => suite.slack.of('chat.postMessage').find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')));
    const planId = /"value":"(plan-[0-9a-f]+)"/.exec(JSON.stringify(plan.args.blocks))![1]!;
    for (let i = 0; i < 3; i++) suite.slack.failNext('chat.update', 429, 1);
    suite.slack.failNext('chat.update', 503);
    suite.slack.failNext('chat.postMessage', 503);
    suite.slack.failNext('chat.postMessage', 429, 1);
    suite.slack.failNext('files.getUploadURLExternal', 503);
    suite.slack.failNext('files.completeUploadExternal', 429, 1);
    await postSigned(suite.url, SECRET, buttonClick('plan.approve', planId, 'U2', { messageTs: plan.ts!, responseUrl: `${suite.slack.url}/respond/sf-ok`, blocks: plan.args.blocks as unknown[] }));
    // Meanwhile a command is answered.
    const help = await postSigned(suite.url, SECRET, slashCommand('help', 'U3', { responseUrl: `${suite.slack.url}/respond/sf-help` }));
    expect(help.status).toBe(200);
    expect(help.ms).toBeLessThan(3000);
    await suite.slack.waitFor('the help answer', () => suite.slack.responses.find((r) => r.id === 'sf-help'));

    await suite.slack.waitFor('the final progress state', () => suite.slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')), 90_000);
    const matrix = await suite.slack.waitFor('the matrix in the thread', () => suite.slack.of('chat.postMessage').find((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test')), 60_000);
    await suite.slack.waitFor('the heat map', () => [...suite.slack.uploads.values()].find((u) => u.completed?.thread_ts === plan.ts), 60_000);
    // Every injected failure was met, and retried: nothing lost, nothing doubled.
    expect(suite.slack.calls.filter((c) => / \(answered (429|503)\)$/.test(c.method))).toHaveLength(8);
    expect(suite.slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test'))).toEqual([matrix]);
    expect([...suite.slack.uploads.values()].filter((u) => u.completed?.thread_ts === plan.ts)).toHaveLength(1);
    expect(suite.slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && /^Applying/.test(String(c.args.text)))).toHaveLength(1);
  });
});
