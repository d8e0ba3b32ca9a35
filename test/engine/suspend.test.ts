/**
 * Suspending a run (a front end's Ctrl-C) against the real store, the official SDKs and the
 * emulator: no step starts after it, the run is left unfinished and unclaimed, and another engine
 * (the next start) resumes it at once to the same end as an uninterrupted apply. Cancelling, by
 * contrast, ends the run.
 */
import { createEngine } from '../../src/engine/create-engine';
import { realPacing, retryCloudCall, type Pacing } from '../../src/engine/retry-policy';
import { CloudError } from '../../src/cloud/cloud-error';
import { countsOfPlan, startHarness, TIME_SCALE, type Harness } from '../helpers/engine-harness';
import { seedTopology } from '../helpers/topologies';

const total = (h: Harness) => Object.values(h.emu.inventory().counts).reduce((a, b) => a + b, 0);

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('suspending a run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeScale: TIME_SCALE * 10 });
  });
  afterEach(() => h.close());

  it('leaves it unfinished and unclaimed; the next engine resumes it to the end', async () => {
    const plan = await h.engine.plan(seedTopology());
    const suspend = new AbortController();
    const applying = h.engine.apply(plan, { requester: 'U1', suspend: suspend.signal });
    await until('a few resources', () => total(h) >= 6);
    suspend.abort();
    const result = await applying;
    expect(result.status).toBe('running');
    const [left] = h.store.unfinishedRuns();
    expect(left?.id).toBe(result.runId);
    expect(left!.leaseUntil).toBeLessThanOrEqual(Date.now());
    // Nothing recorded as cancelled: what did not run is still to do.
    expect(h.store.steps(result.runId).filter((s) => s.status === 'cancelled')).toEqual([]);
    expect(total(h)).toBeLessThan(plan.steps.length);

    const next = createEngine({ cloud: h.cloud, store: h.store, parallelism: 10, pacing: realPacing(TIME_SCALE * 40) });
    const [resumed] = await next.resume({});
    expect(resumed).toMatchObject({ runId: result.runId, status: 'succeeded' });
    expect(h.emu.inventory().counts).toEqual(countsOfPlan(plan.steps));
    expect(h.store.unfinishedRuns()).toEqual([]);
  });

  it('cancelling instead ends the run: nothing is left to resume', async () => {
    const plan = await h.engine.plan(seedTopology());
    const cancel = new AbortController();
    const applying = h.engine.apply(plan, { requester: 'U1', signal: cancel.signal });
    await until('a few resources', () => total(h) >= 6);
    cancel.abort();
    expect((await applying).status).toBe('cancelled');
    expect(h.store.unfinishedRuns()).toEqual([]);
  });
});

describe('a retry budget', () => {
  it('stops retrying once the deadline would pass, with the last error', async () => {
    let now = 0;
    const pacing: Pacing = {
      pace: 1,
      now: () => now,
      random: () => 1,
      sleep: async (ms) => {
        now += ms;
      },
    };
    let calls = 0;
    const down = () => {
      calls++;
      now += 500;
      return Promise.reject(new CloudError('retryable', 'NetworkError', `call ${calls}: timeout`, undefined, true));
    };
    await expect(retryCloudCall(down, pacing, { maxAttempts: 20, giveUpAt: 10_000 })).rejects.toThrow(/timeout/);
    // 500 ms a call, then waits of 2 s and 4 s (full jitter at its ceiling): the third wait, 8 s, would pass 10 s.
    expect(calls).toBe(3);
    expect(now).toBeLessThanOrEqual(10_000);
  });
});
