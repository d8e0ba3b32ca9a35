/**
 * The preflight through the real SDK clients against the emulator: each class of finding appears
 * when the emulated account is steered into it (and not before), with at most one call per check;
 * a blocking finding refuses approval until it is fixed.
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { doctor, doctorNamed } from '../../src/app/doctor';
import { decidePlan, proposeTopology } from '../../src/app/use-cases';
import { createAlibabaCloud } from '../../src/cloud/alibaba/alibaba-cloud';
import type { FindingCode, PreflightReport } from '../../src/preflight/finding';
import { preflightLine, preflightText } from '../../src/preflight/render-preflight';
import { runPreflight } from '../../src/preflight/run-preflight';
import { servicesOf, startHarness, type Harness } from '../helpers/engine-harness';
import { seedTopology } from '../helpers/topologies';

let h: Harness;
let s: AppServices;
beforeEach(async () => {
  h = await startHarness();
  s = servicesOf(h);
});
afterEach(() => h.close());

const codes = (r: PreflightReport) => r.findings.map((f) => f.code).sort();
const steer = (route: 'account' | 'permissions' | 'stock', body: unknown) => {
  const r = h.emu.control;
  // The control API's own handler, as `POST /__emulator/<route>` runs it.
  const { handleControl } =
    require('../../src/emulator/server/control-api') as typeof import('../../src/emulator/server/control-api');
  const out = handleControl(h.emu.world, r, 'POST', `/__emulator/${route}`, body);
  if (out.status !== 200) throw new Error(JSON.stringify(out.body));
};
const seedPreflight = () => doctor(s, seedTopology());
/** The seed proposed as U1 would in Slack: planned, preflighted, kept for a decision. */
const proposeSeed = () =>
  proposeTopology(
    s,
    { text: 'seed', form: 'line' },
    { ipsecConnectionQuota: 10 },
    { requester: 'U1', now: Date.now(), policy: DEFAULT_APPROVAL_POLICY },
  );
/** The seed's zones, as its plan places them: the Hong Kong probe's zone, one gateway zone. */
const HK_PROBE_ZONE = 'cn-hongkong-b';

describe('the preflight', () => {
  it('passes on a clean account, one call per check at most, and says so in one line', async () => {
    const r = await seedPreflight();
    expect(r.findings).toEqual([]);
    expect(r.checks.length).toBeGreaterThanOrEqual(10);
    expect(r.calls).toBeLessThanOrEqual(r.checks.length);
    expect(r.calls).toBeGreaterThan(0);
    expect(preflightLine(r)).toBe(`preflight: ${r.checks.length} checks pass`);
    const classes = new Set(r.checks.map((c) => c.class));
    expect([...classes].sort()).toEqual(['billing', 'identity', 'permission', 'quota', 'stock', 'zone']);
  });

  it('doctor by name finds a topology applied before, else reads the one-line form, else says what is wrong', async () => {
    h.store.saveTopology({ ...seedTopology(), name: 'mine' }, Date.now());
    expect(await doctorNamed(s, 'mine', { ipsecConnectionQuota: 10 })).toMatchObject({ ok: true, topology: 'mine' });
    expect(await doctorNamed(s, 'seed', { ipsecConnectionQuota: 10 })).toMatchObject({
      ok: true,
      topology: 'ikev1test',
    });
    const bad = await doctorNamed(s, 'nosuchthing', { ipsecConnectionQuota: 10 });
    expect(bad.ok).toBe(false);
  });

  it('without a topology checks the credentials and the billing site alone', async () => {
    const r = await doctor(s);
    expect(r.checks.map((c) => c.class)).toEqual(['identity', 'billing']);
    expect(r.calls).toBe(2);
  });

  it.each<[string, () => void, FindingCode[]]>([
    [
      'a withheld create permission (dry run refused with Forbidden.RAM)',
      () => steer('permissions', { withhold: ['RunInstances'] }),
      ['preflight.permission.denied'],
    ],
    [
      'a zone with none of the probe types in stock (one type out is taken care of: the plan falls back)',
      () => steer('stock', { zoneId: HK_PROBE_ZONE, soldOut: true }),
      ['preflight.stock.sold-out'],
    ],
    [
      'a zone that no longer sells VPN gateways or transit-router connections (Tokyo: the hub has both)',
      () => steer('account', { closeZones: ['ap-northeast-1a'] }),
      ['preflight.zone.transit-router', 'preflight.zone.vpn-gateway'],
    ],
    [
      'the VPN gateway quota exhausted',
      () => steer('account', { vpnGatewayQuota: 0 }),
      ['preflight.quota.vpn-gateways', 'preflight.quota.vpn-gateways'],
    ],
    [
      'a China-site account configured as international',
      () => steer('account', { site: 'china' }),
      ['preflight.billing.site-mismatch'],
    ],
    [
      'a check the credentials may not make (a warning, not a block)',
      () => steer('permissions', { withhold: ['DescribeAvailableResource'] }),
      // One per probe zone: Hong Kong, Tokyo, Silicon Valley.
      ['preflight.permission.check-denied', 'preflight.permission.check-denied', 'preflight.permission.check-denied'],
    ],
  ])('finds %s', async (_what, steerIt, expected) => {
    steerIt();
    const r = await seedPreflight();
    expect(codes(r)).toEqual(expected);
    expect(r.calls).toBeLessThanOrEqual(r.checks.length);
    for (const f of r.findings) expect(f.fix.length).toBeGreaterThan(10);
  });

  it('a busy cloud on a check is a warning, never a block: the plan can still be approved', async () => {
    h.emu.forceFaults([
      { fault: 'serverError', action: 'CreateVpc' },
      { fault: 'error', code: 'Throttling.User', action: 'QueryAccountBalance' },
    ]);
    const r = await seedPreflight();
    expect(codes(r)).toEqual(['preflight.billing.unchecked', 'preflight.permission.unchecked']);
    expect(r.findings.every((f) => !f.blocking)).toBe(true);
    expect(preflightLine(r)).toMatch(/^preflight: \d+ of \d+ checks pass; 2 warnings$/);
  });

  it('names the RAM action to add, and the types it tried where none is in stock', async () => {
    steer('permissions', { withhold: ['RunInstances'] });
    steer('stock', { zoneId: HK_PROBE_ZONE, soldOut: true });
    const r = await seedPreflight();
    const text = preflightText(r);
    expect(text).toContain('`ecs:RunInstances`');
    expect(text).toContain('none of ecs.t6-c1m1.large, ecs.g7.large is in stock there');
    expect(preflightLine(r)).toMatch(/BLOCKING: .*preflight\.permission\.denied \(ecs:RunInstances\)/);
  });

  it("takes the first fallback in stock where the probe's type is sold out, says so in the plan, and applies it", async () => {
    steer('stock', { zoneId: HK_PROBE_ZONE, instanceType: 'ecs.t6-c1m1.large', soldOut: true });
    const policy = DEFAULT_APPROVAL_POLICY;
    const p = await proposeSeed();
    if (!p.ok) throw new Error('expected a plan');
    const probes = p.proposal.plan.steps.filter((x) => x.kind === 'ecs-instance');
    const typeOf = (x: (typeof probes)[number]) => x.params as { instanceType?: string; instead?: string };
    expect(probes.map((x) => [x.site, typeOf(x).instanceType, typeOf(x).instead])).toEqual([
      ['hongkong', 'ecs.g7.large', 'ecs.t6-c1m1.large'],
      ['japan', 'ecs.t6-c1m1.large', undefined],
      ['us', 'ecs.t6-c1m1.large', undefined],
    ]);
    expect(p.proposal.record.text).toContain(
      'ecs.g7.large in cn-hongkong-b (ecs.t6-c1m1.large is not in stock there: fallback chosen)',
    );
    expect(p.proposal.preflight?.findings).toEqual([]);
    // The approval plans again with the same stock: the same plan, approved, and the probe made of that type.
    const approved = await decidePlan(s, {
      planId: p.proposal.record.id,
      actor: 'U2',
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    expect(approved).toMatchObject({ ok: true, complete: true });
    const r = await h.engine.apply(p.proposal.plan, { requester: 'U2' });
    expect(r.status).toBe('succeeded');
    const types = [...h.emu.world.instances.values()].map((i) => [i.regionId, i.instanceType]).sort();
    expect(types).toEqual([
      ['ap-northeast-1', 'ecs.t6-c1m1.large'],
      ['cn-hongkong', 'ecs.g7.large'],
      ['us-west-1', 'ecs.t6-c1m1.large'],
    ]);
    // A probe that exists keeps its type: planned again once the stock is back, nothing changes.
    steer('stock', { zoneId: HK_PROBE_ZONE, instanceType: 'ecs.t6-c1m1.large', soldOut: false });
    const again = await h.engine.plan(seedTopology());
    expect(again.steps.filter((x) => x.action !== 'keep' && x.action !== 'adopt')).toEqual([]);
  });

  it('refuses credentials the cloud does not know', async () => {
    const cloud = createAlibabaCloud({
      sandbox: true,
      endpoint: h.emu.endpoint,
      credentials: { accessKeyId: h.emu.accessKeyId, accessKeySecret: 'wrong-secret-wrong-secret' },
    });
    const r = await runPreflight(cloud);
    expect(codes(r)).toContain('preflight.identity.credentials');
    expect(r.findings.find((f) => f.code === 'preflight.identity.credentials')?.blocking).toBe(true);
  });

  it('a China-site account passes once configured as one', async () => {
    steer('account', { site: 'china' });
    const cloud = createAlibabaCloud({
      sandbox: true,
      site: 'china',
      endpoint: h.emu.endpoint,
      credentials: { accessKeyId: h.emu.accessKeyId, accessKeySecret: h.emu.accessKeySecret },
    });
    const r = await runPreflight(cloud);
    expect(r.findings).toEqual([]);
  });

  it('puts its line in every plan, and a blocking finding refuses approval until it is fixed', async () => {
    steer('permissions', { withhold: ['CreateVpc'] });
    const policy = DEFAULT_APPROVAL_POLICY;
    const p = await proposeSeed();
    if (!p.ok) throw new Error('expected a plan');
    expect(p.proposal.record.text).toMatch(
      /preflight: \d+ of \d+ checks pass; BLOCKING: preflight\.permission\.denied \(vpc:CreateVpc\)/,
    );
    const refused = await decidePlan(s, {
      planId: p.proposal.record.id,
      actor: 'U2',
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? '' : refused.reason).toContain('preflight.permission.denied (vpc:CreateVpc)');
    expect(h.emu.inventory().counts.vpc).toBe(0);
    steer('permissions', { grant: ['CreateVpc'] });
    const approved = await decidePlan(s, {
      planId: p.proposal.record.id,
      actor: 'U2',
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    expect(approved).toMatchObject({ ok: true, complete: true });
  });
});
