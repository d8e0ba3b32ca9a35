import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { countsOfPlan, startHarness, type Harness } from '../helpers/engine-harness';
import { seedTopology } from '../helpers/topologies';

let h: Harness;
afterEach(() => h.close());

describe('apply under injected faults', () => {
  it('with 30 % throttling, 10 % 5xx and 5 % applied-then-5xx, apply and destroy converge with no duplicate resource', async () => {
    // mulberry32: reproducible draws from FAULT_SEED (a plain LCG's correlated draws made streaks of faults).
    let seed = Number(process.env.FAULT_SEED ?? 42) >>> 0;
    const random = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    h = await startHarness({ random });
    h.emu.setFaults({ throttle: 0.3, serverError: 0.1, appliedThenError: 0.05 });
    // Each kind of fault at least once whatever the draws: an applied-then-failed create is the hard case.
    h.emu.forceFaults([
      { fault: 'appliedThenError', action: 'CreateVpnGateway' },
      { fault: 'serverError', action: 'CreateVpnConnection' },
      { fault: 'throttle', action: 'CreateRouteEntry' },
    ]);
    const topology = seedTopology();
    const retries: string[] = [];
    const result = await h.engine.apply(await h.engine.plan(topology), {
      requester: 'U1',
      onEvent: (e) => {
        if (e.type === 'step-retrying') retries.push(e.code);
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    const injected = h.emu.injected();
    expect(Object.keys(injected).sort()).toEqual(['InternalError', 'ServiceUnavailable', 'Throttling.User']);
    // Every injected fault the engine saw, it retried: none ended the run.
    for (const code of Object.keys(injected)) expect(retries).toContain(code);
    expect(h.emu.inventory().counts).toEqual(countsOfPlan(buildPlan(topology, EMPTY_OBSERVED).steps));
    expect((await h.engine.plan(topology)).summary).toMatchObject({ create: 0, delete: 0 });

    const destroyed = await h.engine.apply(await h.engine.planDestroy(topology), { requester: 'U1' });
    expect(destroyed.failures).toEqual([]);
    expect(Object.values(h.emu.inventory().counts).every((n) => n === 0)).toBe(true);
  });
});
