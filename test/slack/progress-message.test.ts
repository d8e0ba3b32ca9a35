/** The progress message's contract, on jest's fake clock: one edit per interval at most, the final state always. */
import { newProgressState, ProgressMessage } from '../../commands/slack/progress-message';
import type { SlackMessage } from '../../commands/slack/blocks';
import type { EngineEvent } from '../../src/engine/engine-events';

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

const started: EngineEvent = {
  type: 'run-started',
  runId: 'r',
  topology: 't',
  kind: 'apply',
  steps: 50,
  sandbox: true,
  resumed: false,
};
const step = (i: number): EngineEvent[] => [
  { type: 'step-started', runId: 'r', stepId: `s${i}`, kind: 'vpc', action: 'create' },
  { type: 'step-succeeded', runId: 'r', stepId: `s${i}`, cloudId: `vpc-${i}` },
];

describe('the progress message', () => {
  it('coalesces events into at most one edit per interval, and always writes the final state', async () => {
    const writes: { at: number; m: SlackMessage }[] = [];
    const p = new ProgressMessage(newProgressState('t', 'apply', Date.now()), {
      intervalMs: 3000,
      sandbox: true,
      update: async (m) => void writes.push({ at: Date.now(), m }),
    });
    p.onEvent(started);
    for (let i = 0; i < 10; i++) step(i).forEach(p.onEvent);
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]!.m)).toContain('10/50 steps');

    // Forty more steps within the next 2.9 s: no edit until the interval has passed, then one.
    for (let i = 10; i < 50; i++) {
      step(i).forEach(p.onEvent);
      await jest.advanceTimersByTimeAsync(70);
    }
    expect(writes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(200);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.at - writes[0]!.at).toBeGreaterThanOrEqual(3000);
    expect(JSON.stringify(writes[1]!.m)).toContain('50/50 steps');

    p.onEvent({
      type: 'run-finished',
      runId: 'r',
      status: 'succeeded',
      succeeded: 50,
      failed: 0,
      skipped: 0,
      cancelled: 0,
    });
    await p.finish();
    expect(writes).toHaveLength(3);
    expect(JSON.stringify(writes[2]!.m)).toContain('Done');
  });

  it('an edit that fails (rate limited) is retried; the final state is not lost', async () => {
    let fail = 2;
    const writes: string[] = [];
    const p = new ProgressMessage(newProgressState('t', 'apply', Date.now()), {
      intervalMs: 10,
      sandbox: false,
      update: async (m) => {
        if (fail-- > 0) throw new Error('ratelimited');
        writes.push(JSON.stringify(m));
      },
    });
    p.onEvent({ ...started, steps: 1 });
    p.onEvent({
      type: 'run-finished',
      runId: 'r',
      status: 'failed',
      succeeded: 0,
      failed: 1,
      skipped: 0,
      cancelled: 0,
    });
    const finished = p.finish();
    await jest.advanceTimersByTimeAsync(60_000);
    await finished;
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('Failed');
  });
});
