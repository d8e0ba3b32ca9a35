/**
 * A failed run in Slack: the thread gets the failed steps with the cloud's code and request id and
 * Retry / Roll back / Keep as is; Retry converges under the same approval. The bot talks to an
 * emulator this test runs (VPNBOT_ALIBABA_ENDPOINT), so the test can make the cloud fail.
 */
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'failure-test-signing-secret';
const SCALE = 0.002;
const suite = serveOnEmulatorSuite(SECRET, SCALE);

const buttonOf = (blocks: unknown, actionId: string) =>
  new RegExp(`"action_id":"${actionId.replace('.', '\\.')}"[^}]*?"value":"([^"]+)"`).exec(JSON.stringify(blocks))?.[1];

describe('a failed run in Slack', () => {
  it('shows the failure with Retry / Roll back / Keep as is, and Retry converges', async () => {
    expect(suite.bot.output()).not.toContain('SANDBOX');
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('plan seed', 'U1', { responseUrl: `${suite.slack.url}/respond/f-plan` }),
    );
    const plan = await suite.slack.waitFor('the plan', () =>
      suite.slack.of('chat.postMessage').find((c) => buttonOf(c.args.blocks, 'plan.approve')),
    );
    // The cloud refuses to create VPCs for now (reads still work): each VPC step fails after its retries.
    suite.emu.forceFaults(Array.from({ length: 60 }, () => ({ fault: 'serverError' as const, action: 'CreateVpc' })));
    await postSigned(
      suite.url,
      SECRET,
      buttonClick('plan.approve', buttonOf(plan.args.blocks, 'plan.approve')!, 'U2', {
        messageTs: plan.ts!,
        responseUrl: `${suite.slack.url}/respond/f-ok`,
        blocks: plan.args.blocks as unknown[],
      }),
    );
    const failure = await suite.slack.waitFor(
      'the failure in the thread',
      () =>
        suite.slack
          .of('chat.postMessage')
          .find((c) => c.args.thread_ts === plan.ts && buttonOf(c.args.blocks, 'run.retry')),
      60_000,
    );
    const text = JSON.stringify(failure.args.blocks);
    expect(text).toContain('ServiceUnavailable');
    expect(text).toMatch(/request [0-9A-F-]{36}/);
    expect(buttonOf(failure.args.blocks, 'run.rollback')).toBeDefined();
    expect(buttonOf(failure.args.blocks, 'run.keep')).toBeDefined();
    await suite.slack.waitFor('the progress message at its failed end', () =>
      suite.slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Failed')),
    );

    suite.emu.control.forced.length = 0;
    const runId = buttonOf(failure.args.blocks, 'run.retry')!;
    const follow = (action: string, user: string, rid: string) => {
      const click = buttonClick(action, runId, user, {
        messageTs: failure.ts!,
        responseUrl: `${suite.slack.url}/respond/${rid}`,
        blocks: failure.args.blocks as unknown[],
      });
      const payload = JSON.parse(click.payload!) as { message: Record<string, unknown> };
      payload.message.thread_ts = plan.ts;
      return postSigned(suite.url, SECRET, { payload: JSON.stringify(payload) });
    };
    // Retry, Roll back and Keep need what Approve needs: the requester is refused, and nothing is posted.
    const threadPosts = () => suite.slack.of('chat.postMessage').filter((c) => c.args.thread_ts === plan.ts).length;
    const postsBefore = threadPosts();
    for (const [action, rid] of [
      ['run.retry', 'f-retry-self'],
      ['run.rollback', 'f-rollback-self'],
      ['run.keep', 'f-keep-self'],
    ] as const) {
      await follow(action, 'U1', rid);
      expect(await suite.slack.waitFor(rid, () => suite.slack.responses.find((r) => r.id === rid)?.body)).toMatchObject(
        { text: 'Nothing done: you asked for this plan: someone else must approve it.' },
      );
    }
    expect(threadPosts()).toBe(postsBefore);
    expect(suite.slack.of('chat.update').filter((c) => c.args.ts === failure.ts)).toEqual([]);

    await follow('run.retry', 'U2', 'f-retry');
    await suite.slack.waitFor(
      'the retried run done',
      () => suite.slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Retried by <@U2>: succeeded')),
      60_000,
    );
    expect(suite.emu.inventory().counts.vpc).toBe(3);
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('plan seed', 'U3', { responseUrl: `${suite.slack.url}/respond/f-again` }),
    );
    expect(
      await suite.slack.waitFor('no changes', () => suite.slack.responses.find((r) => r.id === 'f-again')?.body),
    ).toMatchObject({ text: expect.stringContaining('No changes') });
  });
});
