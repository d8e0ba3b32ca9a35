/**
 * A security group's rules as one step, through the engine, the official SDK and the emulator:
 * a topology applied by an earlier version (one step per rule) moves to rule sets without a moment
 * where a group admits less than it should, and destroys cleanly; a changed topology converges.
 */
import type { EngineEvent } from '../../src/engine/engine-events';
import { parseRuleSetId } from '../../src/planner/rule-set';
import { stepId } from '../../src/planner/step-ids';
import { startHarness, type Harness } from '../helpers/engine-harness';
import { seedTopology, SEED_STEPS } from '../helpers/topologies';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

/** Turns an applied seed into what a version with one step per rule left: its rules, and its records. */
async function asEarlierVersionLeftIt(topology: ReturnType<typeof seedTopology>) {
  const plan = await h.engine.plan(topology);
  expect((await h.engine.apply(plan, { requester: 'U1' })).status).toBe('succeeded');
  for (const s of plan.steps) {
    if (s.kind !== 'security-group-rules' || s.action === 'delete') continue;
    const set = h.store.resources(topology.name).find((r) => r.stepId === s.id)!;
    await h.cloud.drivers['security-group-rules'].delete(s.region, set.cloudId);
    h.store.resourceDeleted(topology.name, s.id, Date.now());
    const securityGroupId = parseRuleSetId(set.cloudId).securityGroupId;
    for (const r of s.params.rules) {
      const id = stepId.securityGroupRule(s.site!, 'icmp', r.sourceCidrIp);
      const cloudId = await h.cloud.drivers['security-group-rule'].create({
        region: s.region,
        params: {
          securityGroupId,
          ipProtocol: 'ICMP',
          portRange: '-1/-1',
          sourceCidrIp: r.sourceCidrIp,
          policy: 'accept',
          priority: 1,
        },
        tags: {},
        clientToken: `earlier-${id}`,
        marker: `vpnbot:${topology.name}:${id}`,
      });
      h.store.putResource(
        {
          topology: topology.name,
          stepId: id,
          site: s.site,
          kind: 'security-group-rule',
          region: s.region,
          cloudId,
          origin: 'created',
          outputs: { id: cloudId },
        },
        Date.now(),
      );
    }
  }
}

describe('security-group rule sets through the engine', () => {
  it('moves rules made one step each to rule sets: each old rule goes only once its set is in place', async () => {
    const topology = seedTopology();
    await asEarlierVersionLeftIt(topology);
    expect(h.emu.inventory().counts).toMatchObject({ 'security-group-rule': 6, 'security-group-rules': 0 });

    const migrate = await h.engine.plan(topology);
    expect(migrate.summary).toEqual({ create: 3, adopt: 0, keep: SEED_STEPS - 3, delete: 6 });
    const events: EngineEvent[] = [];
    // Every moment the engine reports, each group still admits all six sources between them.
    const fewest: number[] = [];
    const result = await h.engine.apply(migrate, {
      requester: 'U1',
      onEvent: (e) => {
        events.push(e);
        fewest.push(h.emu.inventory().ruleCount);
      },
    });
    expect(result.status).toBe('succeeded');
    expect(Math.min(...fewest)).toBeGreaterThanOrEqual(6);
    const at = (type: string, id: string) =>
      events.findIndex((e) => e.type === type && 'stepId' in e && e.stepId === id);
    for (const site of ['hongkong', 'japan', 'us']) {
      const setDone = at('step-succeeded', stepId.securityGroupRules(site));
      const oldRules = events.filter(
        (e) => e.type === 'step-started' && e.stepId.startsWith(`security-group-rule:${site}:`),
      );
      expect(oldRules).toHaveLength(2);
      for (const e of oldRules) expect(events.indexOf(e)).toBeGreaterThan(setDone);
    }
    expect(h.emu.inventory().counts).toMatchObject({ 'security-group-rule': 0, 'security-group-rules': 3 });
    expect(h.emu.inventory().ruleCount).toBe(6);
    expect((await h.engine.plan(topology)).summary).toEqual({ create: 0, adopt: 0, keep: SEED_STEPS, delete: 0 });

    const destroy = await h.engine.planDestroy(topology);
    expect((await h.engine.apply(destroy, { requester: 'U1' })).status).toBe('succeeded');
    expect(Object.values(h.emu.inventory().counts).every((n) => n === 0)).toBe(true);
    expect(h.emu.inventory().ruleCount).toBe(0);
  });

  it('destroys what an earlier version made, its rules one step each', async () => {
    const topology = seedTopology();
    await asEarlierVersionLeftIt(topology);
    const destroy = await h.engine.planDestroy(topology);
    expect(destroy.steps.filter((s) => s.kind === 'security-group-rule')).toHaveLength(6);
    expect((await h.engine.apply(destroy, { requester: 'U1' })).status).toBe('succeeded');
    expect(Object.values(h.emu.inventory().counts).every((n) => n === 0)).toBe(true);
    expect(h.store.resources(topology.name)).toEqual([]);
  });

  it("a site added to the topology re-makes the other groups' sets, which converge on the new sources", async () => {
    const topology = seedTopology();
    expect((await h.engine.apply(await h.engine.plan(topology), { requester: 'U1' })).status).toBe('succeeded');
    h.emu.control.calls.clear();
    const wider = {
      ...topology,
      sites: [
        ...topology.sites,
        {
          ...topology.sites.find((s) => s.name === 'us')!,
          name: 'us2',
          cidrs: ['11.0.0.0/16'],
          vswitchCidr: '11.0.0.0/24',
          secondVswitchCidr: '11.0.1.0/24',
        },
      ],
    };
    const plan = await h.engine.plan(wider);
    const sets = plan.steps.filter((s) => s.kind === 'security-group-rules');
    expect(sets.map((s) => [s.site, s.action])).toEqual([
      ['hongkong', 'create'],
      ['japan', 'create'],
      ['us', 'create'],
      ['us2', 'create'],
    ]);
    const applied = await h.engine.apply(plan, { requester: 'U1' });
    expect(applied.failures).toEqual([]);
    // Four groups holding exactly the rules planned (the old sets' rules converged, none twice).
    expect(h.emu.inventory().counts['security-group-rules']).toBe(4);
    const planned = sets.reduce(
      (n, s) => n + (s.kind === 'security-group-rules' && s.action !== 'delete' ? s.params.rules.length : 0),
      0,
    );
    expect(h.emu.inventory().ruleCount).toBe(planned);
    expect(planned).toBeGreaterThan(6);
    expect((await h.engine.plan(wider)).summary.create).toBe(0);
  });
});
