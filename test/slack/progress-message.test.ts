import { newProgressState, ProgressMessage } from '../../commands/slack/progress-message';
import type { SlackMessage } from '../../commands/slack/blocks';

describe('the progress message', () => {
  it('coalesces events into at most one edit per interval, and always writes the final state', async () => {
    const writes: { at: number; m: SlackMessage }[] = [];
    const p = new ProgressMessage(newProgressState('t', 'apply', Date.now()), { intervalMs: 100, sandbox: true, update: async (m) => void writes.push({ at: Date.now(), m }) });
    p.onEvent({ type: 'run-started', runId: 'r', topology: 't', kind: 'apply', steps: 50, sandbox: true, resumed: false });
    for (let i = 0; i < 50; i++) {
      p.onEvent({ type: 'step-started', runId: 'r', stepId: `s${i}`, kind: 'vpc', action: 'create' });
      p.onEvent({ type: 'step-succeeded', runId: 'r', stepId: `s${i}`, cloudId: `vpc-${i}` });
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    p.onEvent({ type: 'run-finished', runId: 'r', status: 'succeeded', succeeded: 50, failed: 0, skipped: 0, cancelled: 0 });
    await p.finish();
    expect(writes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < writes.length - 1; i++) expect(writes[i]!.at - writes[i - 1]!.at).toBeGreaterThanOrEqual(90);
    expect(JSON.stringify(writes[writes.length - 1]!.m)).toContain('Done');
    expect(JSON.stringify(writes[writes.length - 1]!.m)).toContain('50/50 steps');
  });

  it('an edit that fails (rate limited) is retried; the final state is not lost', async () => {
    let fail = 2;
    const writes: string[] = [];
    const p = new ProgressMessage(newProgressState('t', 'apply', Date.now()), {
      intervalMs: 10, sandbox: false,
      update: async (m) => {
        if (fail-- > 0) throw new Error('ratelimited');
        writes.push(JSON.stringify(m));
      },
    });
    p.onEvent({ type: 'run-started', runId: 'r', topology: 't', kind: 'apply', steps: 1, sandbox: false, resumed: false });
    p.onEvent({ type: 'run-finished', runId: 'r', status: 'failed', succeeded: 0, failed: 1, skipped: 0, cancelled: 0 });
    await p.finish();
    expect(writes[writes.length - 1]).toContain('Failed');
  });
});
