/**
 * Slack's Web API not answering at all during an approved apply (a request lost on its way): each
 * such call is abandoned after VPNBOT_SLACK_TIMEOUT_MS and retried; the progress edits, the final
 * state and the results arrive late but arrive, once each, and new commands are still answered.
 */
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'slack-timeouts-signing-secret';
const suite = serveOnEmulatorSuite(SECRET, 0.002, { VPNBOT_SLACK_TIMEOUT_MS: '1500' });

describe('the Slack API not answering during an apply', () => {
  it('times each silent call out and retries it: nothing lost, nothing doubled, commands still answered', async () => {
    await postSigned(suite.url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: `${suite.slack.url}/respond/st-plan` }));
    const plan = await suite.slack.waitFor('the plan', () => suite.slack.of('chat.postMessage').find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')));
    const planId = /"value":"(plan-[0-9a-f]+)"/.exec(JSON.stringify(plan.args.blocks))![1]!;
    suite.slack.stallNext('chat.postMessage');
    suite.slack.stallNext('chat.update');
    suite.slack.stallNext('chat.update');
    await postSigned(suite.url, SECRET, buttonClick('plan.approve', planId, 'U2', { messageTs: plan.ts!, responseUrl: `${suite.slack.url}/respond/st-ok`, blocks: plan.args.blocks as unknown[] }));
    const help = await postSigned(suite.url, SECRET, slashCommand('help', 'U3', { responseUrl: `${suite.slack.url}/respond/st-help` }));
    expect(help.status).toBe(200);
    expect(help.ms).toBeLessThan(3000);
    await suite.slack.waitFor('the help answer', () => suite.slack.responses.find((r) => r.id === 'st-help'));

    await suite.slack.waitFor('the final progress state', () => suite.slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')), 90_000);
    await suite.slack.waitFor('the matrix in the thread', () => suite.slack.of('chat.postMessage').find((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test')), 60_000);
    // The three silent calls happened, and were made again; the thread has each message once.
    expect(suite.slack.calls.filter((c) => c.method.endsWith(' (stalled)')).map((c) => c.method).sort()).toEqual(['chat.postMessage (stalled)', 'chat.update (stalled)', 'chat.update (stalled)']);
    expect(suite.slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && /^Applying/.test(String(c.args.text)))).toHaveLength(1);
    expect(suite.slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test'))).toHaveLength(1);
  });
});
