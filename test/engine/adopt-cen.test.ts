/**
 * CENs that already exist, adopted under `existing: { cen }`, through the real SDK against the
 * emulator: one bought before Enterprise Edition keeps the Basic steps (attachments, a published
 * route) and still applies and measures; one of today with its transit-router pieces in place has
 * them kept as they are, and destroy leaves them.
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { runToEnd } from '../../src/app/run-to-end';
import { decidePlan, proposeTopology } from '../../src/app/use-cases';
import { hold } from '../../src/emulator/server/control-api';
import { realPacing } from '../../src/engine/retry-policy';
import { createLogger } from '../../src/log/create-logger';
import { topologyFromLine, topologyFromYaml } from '../../src/topology/load-topology';
import { sdkClients } from '../helpers/alibaba-sdk';
import { startHarness, TIME_SCALE, type Harness } from '../helpers/engine-harness';
import { buildWalkthrough } from '../helpers/walkthrough';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const services = (): AppServices => ({
  store: h.store,
  cloud: h.cloud,
  engine: h.engine,
  pacing: realPacing(TIME_SCALE * 4),
  sandbox: true,
  logger: createLogger('silent'),
  close: async () => undefined,
});

describe('an adopted CEN', () => {
  it('bought before Enterprise Edition: the Basic steps, applied and measured (6 of 6, paced across regions), kept by destroy', async () => {
    const held = hold(h.emu.world, { resource: 'basic-cen', regions: ['ap-northeast-1', 'us-west-1'] });
    if (!('id' in held)) throw new Error(held.error);
    const line = `ikev1test dc:hongkong@cn-hongkong=192.168.0.0/16 hub:japan@ap-northeast-1=172.16.0.0/12;cen=${held.id} spoke:us@us-west-1=10.0.0.0/8;cen=${held.id}`;
    const r = topologyFromLine(line);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const s = services();
    const self = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
    const p = await proposeTopology(
      s,
      { text: line, form: 'line' },
      { ipsecConnectionQuota: 10 },
      {
        requester: 'U1',
        now: Date.now(),
        policy: self,
      },
    );
    if (!p.ok) throw new Error('no plan');
    const plan = p.proposal.plan;
    const kinds = (action: string) => plan.steps.filter((x) => x.action === action).map((x) => x.kind);
    expect(kinds('adopt')).toEqual(['cen']);
    expect(kinds('create').filter((k) => k.startsWith('cen') || k.startsWith('tr') || k === 'transit-router')).toEqual([
      'cen-attachment',
      'cen-attachment',
      'cen-route-publish',
    ]);
    expect(p.proposal.record.text).toContain('Predicted reachability: 6 of 6 pairs reachable');
    const d = await decidePlan(s, {
      planId: p.proposal.record.id,
      actor: 'U1',
      decision: 'approve',
      now: Date.now(),
      policy: self,
    });
    if (!d.ok) throw new Error(d.reason);
    const run = await runToEnd(s, d.record);
    expect(run.result.failures).toEqual([]);

    // Every apply ends measuring the matrix.
    const m = run.matrix;
    if (!m?.ok) throw new Error(m ? m.refusal : 'not measured');
    expect(m.matrix.cells.map((c) => [`${c.from}>${c.to}`, c.verdict, c.matches, c.ttl, c.lossPct])).toEqual([
      ['hongkong>japan', 'pass', true, 62, 0],
      ['hongkong>us', 'pass', true, 62, 0],
      ['japan>hongkong', 'pass', true, 62, 0],
      ['japan>us', 'pass', true, 64, 0],
      ['us>hongkong', 'pass', true, 62, 0],
      ['us>japan', 'pass', true, 64, 0],
    ]);
    expect(m.matrix.cells.filter((c) => c.paced)).toHaveLength(4);
    expect((await h.engine.plan(r.value)).summary).toMatchObject({ create: 0, delete: 0 });

    expect((await h.engine.apply(await h.engine.planDestroy(r.value), { requester: 'U1' })).status).toBe('succeeded');
    expect(h.emu.inventory().counts).toMatchObject({ cen: 1, 'cen-attachment': 0, 'cen-route-publish': 0, vpc: 0 });
  });

  it('one vpnbot made before Enterprise Edition (an upgraded sandbox): its Basic steps are kept, not planned anew', async () => {
    const held = hold(h.emu.world, { resource: 'basic-cen', regions: ['ap-northeast-1', 'us-west-1'] });
    if (!('id' in held)) throw new Error(held.error);
    // As an earlier vpnbot recorded the CEN it created for the topology.
    h.store.putResource(
      {
        topology: 'ikev1test',
        stepId: 'cen:ikev1test',
        site: null,
        kind: 'cen',
        region: 'ap-northeast-1',
        cloudId: held.id,
        origin: 'created',
        outputs: { id: held.id },
      },
      Date.now(),
    );
    const r = topologyFromLine('seed');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const plan = await h.engine.plan(r.value);
    expect(plan.steps.find((s) => s.kind === 'cen')).toMatchObject({ action: 'keep', cloudId: held.id });
    expect(plan.steps.filter((s) => s.kind === 'cen-attachment').map((s) => s.action)).toEqual(['create', 'create']);
    expect(plan.steps.filter((s) => s.kind === 'transit-router' || s.kind.startsWith('tr-'))).toEqual([]);
  });

  it('of today, with its transit routers, connections and routes in place: kept as they are, and left by destroy', async () => {
    const built = await buildWalkthrough(sdkClients(h.emu));
    const before = h.emu.inventory().counts;
    const r = topologyFromYaml(`
name: ikev1test
sites:
  - name: hongkong
    role: dc
    region: cn-hongkong
    cidrs: [192.168.0.0/16]
    vswitchCidr: 192.168.2.0/24
    secondVswitchCidr: 192.168.3.0/24
    existing: { vpc: ${built.vpc.hongkong.id}, vpnGateway: ${built.gateway.hongkong}, customerGateway: ${built.customerGateway.hongkong} }
  - name: japan
    role: hub
    region: ap-northeast-1
    cidrs: [172.16.0.0/12]
    vswitchCidr: 172.16.2.0/24
    secondVswitchCidr: 172.16.3.0/24
    existing: { vpc: ${built.vpc.japan.id}, vpnGateway: ${built.gateway.japan}, customerGateway: ${built.customerGateway.japan}, cen: ${built.cenId} }
  - name: us
    role: spoke
    region: us-west-1
    cidrs: [10.0.0.0/8]
    vswitchCidr: 10.0.2.0/24
    secondVswitchCidr: 10.0.3.0/24
    existing: { vpc: ${built.vpc.us.id}, cen: ${built.cenId} }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const plan = await h.engine.plan(r.value);
    const cenSteps = plan.steps.filter((s) => s.kind === 'transit-router' || s.kind.startsWith('tr-'));
    expect(cenSteps).toHaveLength(13);
    expect(cenSteps.filter((s) => !(s.action === 'keep' && s.external)).map((s) => s.id)).toEqual([]);
    const result = await h.engine.apply(plan, { requester: 'U1' });
    expect(result.failures).toEqual([]);
    expect((await h.engine.plan(r.value)).summary).toMatchObject({ create: 0, delete: 0 });

    expect((await h.engine.apply(await h.engine.planDestroy(r.value), { requester: 'U1' })).status).toBe('succeeded');
    const after = h.emu.inventory().counts;
    for (const kind of [
      'cen',
      'transit-router',
      'tr-vpc-attachment',
      'tr-association',
      'tr-propagation',
      'tr-peer-attachment',
      'tr-vpc-route',
      'tr-advertisement',
    ])
      expect({ kind, n: after[kind] }).toEqual({ kind, n: before[kind] });
  });
});
