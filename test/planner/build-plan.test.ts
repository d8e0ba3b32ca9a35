import { buildDestroyPlan, buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED, TAG_STEP, TAG_TOPOLOGY, type ObservedResource } from '../../src/planner/observed';
import type { DesiredStepOf, Plan, Step, StepKind } from '../../src/planner/plan';
import { renderPlan, tunnelSentence } from '../../src/planner/render-plan';
import { ruleSetDigest, ruleSetId } from '../../src/planner/rule-set';
import { approvalFactOf, secretNamesOf } from '../../src/planner/step-catalogue';
import { stepId } from '../../src/planner/step-ids';
import { BIG_DC_YAML, seedTopology, yamlTopology } from '../helpers/topologies';

/** The desired steps of one kind, typed by it. */
const ofKind = <K extends StepKind>(plan: Plan, kind: K) =>
  plan.steps.filter((s): s is DesiredStepOf<K> & Step => s.kind === kind && s.action !== 'delete');
const byId = (plan: Plan, id: string): Step => {
  const s = plan.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
/** The desired step with this id, which must be of `kind`. */
const byIdOf = <K extends StepKind>(plan: Plan, id: string, kind: K): DesiredStepOf<K> => {
  const s = byId(plan, id);
  if (s.kind !== kind || s.action === 'delete') throw new Error(`${id} is not a desired ${kind}`);
  return s as unknown as DesiredStepOf<K>;
};

describe('the seed topology', () => {
  const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);

  it('is exactly the resources of the walkthrough', () => {
    const count = (k: StepKind) => ofKind(plan, k).length;
    expect(
      Object.fromEntries(
        [
          'vpc',
          'vswitch',
          'vpn-gateway',
          'customer-gateway',
          'ipsec-connection',
          'route-entry',
          'cen',
          'cen-attachment',
          'cen-route-publish',
          'transit-router',
          'tr-vpc-attachment',
          'tr-association',
          'tr-propagation',
          'tr-peer-attachment',
          'tr-vpc-route',
          'tr-advertisement',
          'security-group',
          'security-group-rule',
          'security-group-rules',
          'ecs-instance',
        ].map((k) => [k, count(k as StepKind)]),
      ),
    ).toEqual({
      vpc: 3,
      // One in each site's zone, one in its second zone (dual-tunnel gateways, transit-router attachments).
      vswitch: 6,
      'vpn-gateway': 2,
      // Each side has one for each of the other's two addresses (dual-tunnel gateways).
      'customer-gateway': 4,
      'ipsec-connection': 4,
      'route-entry': 3,
      // Today's CEN: a transit router in Tokyo and in Silicon Valley, the hub and the spoke connected
      // (associated, propagating), one inter-region connection, the routes back, the DC's CIDR advertised.
      cen: 1,
      'cen-attachment': 0,
      'cen-route-publish': 0,
      'transit-router': 2,
      'tr-vpc-attachment': 2,
      'tr-association': 2,
      'tr-propagation': 2,
      'tr-peer-attachment': 1,
      'tr-vpc-route': 3,
      'tr-advertisement': 1,
      'security-group': 3,
      // Each group's rules in one step (one rule per step in earlier versions).
      'security-group-rule': 0,
      'security-group-rules': 3,
      'ecs-instance': 3,
    });
    expect(plan.summary).toEqual({ create: 45, adopt: 0, keep: 0, delete: 0 });
  });

  it('has the walkthrough VPCs and vSwitches', () => {
    expect(ofKind(plan, 'vpc').map((s) => [s.params.name, s.region, s.params.cidrBlock])).toEqual([
      ['ikev1test-hongkong', 'cn-hongkong', '192.168.0.0/16'],
      ['ikev1test-japan', 'ap-northeast-1', '172.16.0.0/12'],
      ['ikev1test-us', 'us-west-1', '10.0.0.0/8'],
    ]);
    expect(ofKind(plan, 'vswitch').map((s) => [s.params.cidrBlock, s.params.zoneId])).toEqual([
      ['192.168.0.0/24', 'cn-hongkong-b'],
      ['192.168.1.0/24', 'cn-hongkong-c'],
      ['172.16.0.0/24', 'ap-northeast-1a'],
      ['172.16.1.0/24', 'ap-northeast-1b'],
      ['10.0.0.0/24', 'us-west-1a'],
      ['10.0.1.0/24', 'us-west-1b'],
    ]);
    expect(ofKind(plan, 'vpn-gateway').map((s) => s.site)).toEqual(['hongkong', 'japan']);
    // Dual-tunnel: the second tunnel's vSwitch is the one in the second zone.
    expect(ofKind(plan, 'vpn-gateway').map((s) => [s.refs.vswitchId, s.refs.drVswitchId])).toEqual([
      [
        { step: 'vswitch:hongkong', output: 'id' },
        { step: 'vswitch:hongkong:2', output: 'id' },
      ],
      [
        { step: 'vswitch:japan', output: 'id' },
        { step: 'vswitch:japan:2', output: 'id' },
      ],
    ]);
  });

  it('has the walkthrough IPsec connections, mirrored, IKEv1, on the gateway of their own region', () => {
    expect(
      ofKind(plan, 'ipsec-connection')
        .map((s) => [s.params.name, s.region, s.params.localCidrs, s.params.remoteCidrs, s.params.ikeVersion])
        .sort(),
    ).toEqual(
      [
        ['ikev1test-hongkong-to-japan', 'cn-hongkong', ['192.168.0.0/16'], ['172.16.0.0/12'], 'ikev1'],
        ['ikev1test-hongkong-to-us', 'cn-hongkong', ['192.168.0.0/16'], ['10.0.0.0/8'], 'ikev1'],
        ['ikev1test-japan-to-hongkong', 'ap-northeast-1', ['172.16.0.0/12'], ['192.168.0.0/16'], 'ikev1'],
        ['ikev1test-us-to-hongkong', 'ap-northeast-1', ['10.0.0.0/8'], ['192.168.0.0/16'], 'ikev1'],
      ].sort(),
    );
    for (const c of ofKind(plan, 'ipsec-connection')) {
      expect(c.refs.vpnGatewayId!.step).toBe(`vpn-gateway:${c.site}`);
      const mirror = byIdOf(plan, c.params.mirror!, 'ipsec-connection');
      expect(mirror.params.localCidrs).toEqual(c.params.remoteCidrs);
      expect(mirror.params.remoteCidrs).toEqual(c.params.localCidrs);
      expect(secretNamesOf(mirror)).toEqual(secretNamesOf(c));
      expect(mirror.params.mirror).toBe(c.id);
      // Two tunnels: the master faces the peer's first address, the slave its second.
      const peer = c.params.peerSite;
      expect(c.params).toMatchObject({ tunnels: 'dual', standby: true });
      expect(c.refs.customerGatewayId).toEqual({ step: `customer-gateway:${c.site}:${peer}`, output: 'id' });
      expect(c.refs.slaveCustomerGatewayId).toEqual({ step: `customer-gateway:${c.site}:${peer}:2`, output: 'id' });
    }
  });

  it("points a customer gateway at each address of the other region's VPN gateway", () => {
    const address = (id: string) => byIdOf(plan, id, 'customer-gateway').refs.ipAddress;
    expect(address('customer-gateway:hongkong:japan')).toEqual({ step: 'vpn-gateway:japan', output: 'internetIp' });
    expect(address('customer-gateway:hongkong:japan:2')).toEqual({
      step: 'vpn-gateway:japan',
      output: 'disasterRecoveryIp',
    });
    expect(address('customer-gateway:japan:hongkong')).toEqual({ step: 'vpn-gateway:hongkong', output: 'internetIp' });
    expect(address('customer-gateway:japan:hongkong:2')).toEqual({
      step: 'vpn-gateway:hongkong',
      output: 'disasterRecoveryIp',
    });
  });

  it('has the walkthrough routes, the hub one advertised to its transit router', () => {
    expect(ofKind(plan, 'route-entry').map((s) => [s.site, s.params.destinationCidr, s.refs.nextHopId!.step])).toEqual([
      ['hongkong', '172.16.0.0/12', 'vpn-gateway:hongkong'],
      ['hongkong', '10.0.0.0/8', 'vpn-gateway:hongkong'],
      ['japan', '192.168.0.0/16', 'vpn-gateway:japan'],
    ]);
    expect(ofKind(plan, 'tr-advertisement').map((s) => [s.site, s.params.destinationCidr])).toEqual([
      ['japan', '192.168.0.0/16'],
    ]);
    expect(byId(plan, 'tr-advertisement:japan:192.168.0.0/16').dependsOn).toEqual(
      expect.arrayContaining(['tr-vpc-attachment:japan', 'route-entry:japan:192.168.0.0/16']),
    );
  });

  it('connects the hub and the spoke through transit routers: two zones each, associated, propagating, one connection between the regions, the routes back', () => {
    expect(ofKind(plan, 'transit-router').map((s) => [s.id, s.region, s.refs.cenId.step])).toEqual([
      ['transit-router:ap-northeast-1', 'ap-northeast-1', 'cen:ikev1test'],
      ['transit-router:us-west-1', 'us-west-1', 'cen:ikev1test'],
    ]);
    const japan = byIdOf(plan, 'tr-vpc-attachment:japan', 'tr-vpc-attachment');
    expect(japan.params.zoneIds).toEqual(['ap-northeast-1a', 'ap-northeast-1b']);
    expect(japan.refs).toMatchObject({
      transitRouterId: { step: 'transit-router:ap-northeast-1', output: 'id' },
      vswitchId: { step: 'vswitch:japan', output: 'id' },
      secondVswitchId: { step: 'vswitch:japan:2', output: 'id' },
    });
    for (const kind of ['tr-association', 'tr-propagation'] as const)
      expect(ofKind(plan, kind).map((s) => [s.site, s.refs.attachmentId.step, s.refs.routeTableId])).toEqual([
        ['japan', 'tr-vpc-attachment:japan', { step: 'transit-router:ap-northeast-1', output: 'routeTableId' }],
        ['us', 'tr-vpc-attachment:us', { step: 'transit-router:us-west-1', output: 'routeTableId' }],
      ]);
    const peer = byIdOf(plan, 'tr-peer-attachment:ap-northeast-1:us-west-1', 'tr-peer-attachment');
    expect(peer.params).toEqual({
      name: 'ikev1test-ap-northeast-1-us-west-1',
      peerRegionId: 'us-west-1',
      bandwidth: { type: 'test' },
    });
    expect(
      ofKind(plan, 'tr-vpc-route').map((s) => [s.site, s.params.destinationCidr, s.refs.attachmentId.step]),
    ).toEqual([
      ['japan', '10.0.0.0/8', 'tr-vpc-attachment:japan'],
      ['us', '172.16.0.0/12', 'tr-vpc-attachment:us'],
      ['us', '192.168.0.0/16', 'tr-vpc-attachment:us'],
    ]);
  });

  it('keeps the Basic steps for a CEN bought before Enterprise Edition', () => {
    const basic = buildPlan(seedTopology(), { resources: [], cenEdition: 'basic' });
    expect(basic.steps.filter((s) => s.kind.startsWith('tr-') || s.kind === 'transit-router')).toEqual([]);
    expect(ofKind(basic, 'cen-attachment').map((s) => s.site)).toEqual(['japan', 'us']);
    expect(ofKind(basic, 'cen-route-publish').map((s) => [s.site, s.params.destinationCidr])).toEqual([
      ['japan', '192.168.0.0/16'],
    ]);
    expect(byId(basic, 'cen-route-publish:japan:192.168.0.0/16').dependsOn).toEqual(
      expect.arrayContaining(['cen-attachment:japan', 'route-entry:japan:192.168.0.0/16']),
    );
    expect(basic.summary.create).toBe(35);
  });

  it('states the inter-region bandwidth the topology chose, in one line', () => {
    const line = (t: ReturnType<typeof seedTopology>) =>
      renderPlan(buildPlan(t, EMPTY_OBSERVED), t)
        .split('\n')
        .filter((l) => l.startsWith('Inter-region bandwidth:'));
    expect(line(seedTopology())).toEqual([
      'Inter-region bandwidth: the free test bandwidth, 1 Kbit/s: pings only, paced (1 connection between transit routers).',
    ]);
    expect(line({ ...seedTopology(), interRegionBandwidth: { type: 'data-transfer', mbps: 20 } })).toEqual([
      'Inter-region bandwidth: pay-by-data-transfer, up to 20 Mbit/s (1 connection between transit routers).',
    ]);
    const plan2 = buildPlan(
      { ...seedTopology(), interRegionBandwidth: { type: 'plan', planId: 'cenbwp-abc', mbps: 5 } },
      EMPTY_OBSERVED,
    );
    expect(byIdOf(plan2, 'tr-peer-attachment:ap-northeast-1:us-west-1', 'tr-peer-attachment').params.bandwidth).toEqual(
      {
        type: 'plan',
        planId: 'cenbwp-abc',
        mbps: 5,
      },
    );
  });

  it('admits ICMP from the other two VPC CIDRs in each security group', () => {
    expect(
      ofKind(plan, 'security-group-rules').flatMap((s) =>
        s.params.rules.map((r) => [s.site, r.ipProtocol, r.sourceCidrIp]),
      ),
    ).toEqual([
      ['hongkong', 'ICMP', '172.16.0.0/12'],
      ['hongkong', 'ICMP', '10.0.0.0/8'],
      ['japan', 'ICMP', '192.168.0.0/16'],
      ['japan', 'ICMP', '10.0.0.0/8'],
      ['us', 'ICMP', '192.168.0.0/16'],
      ['us', 'ICMP', '172.16.0.0/12'],
    ]);
  });

  it('is a DAG: every dependency is a step, and there is no cycle', () => {
    const ids = new Set(plan.steps.map((s) => s.id));
    expect(ids.size).toBe(plan.steps.length);
    for (const s of plan.steps) for (const d of s.dependsOn) expect(ids.has(d)).toBe(true);
    for (const s of plan.steps) for (const r of Object.values(s.refs)) expect(s.dependsOn).toContain(r.step);
    const done = new Set<string>();
    let progress = true;
    while (progress) {
      progress = false;
      for (const s of plan.steps)
        if (!done.has(s.id) && s.dependsOn.every((d) => done.has(d))) {
          done.add(s.id);
          progress = true;
        }
    }
    expect(done.size).toBe(plan.steps.length);
  });

  it('has a stable hash: same input, same hash; different input, different hash', () => {
    expect(buildPlan(seedTopology(), EMPTY_OBSERVED).hash).toBe(plan.hash);
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    const noProbes = buildPlan({ ...seedTopology(), probes: false }, EMPTY_OBSERVED);
    expect(noProbes.hash).not.toBe(plan.hash);
    expect(ofKind(noProbes, 'ecs-instance')).toHaveLength(0);
  });

  it('renders like a terraform plan, grouped by site, with a summary line', () => {
    const text = renderPlan(plan, seedTopology());
    expect(text).toContain('# hongkong (dc, cn-hongkong, 192.168.0.0/16)');
    expect(text).toContain(
      '  + ipsec-connection     ikev1test-us-to-hongkong 10.0.0.0/8 <-> 192.168.0.0/16 IKEv1, 2 tunnels',
    );
    expect(text).toContain('  + tr-advertisement     advertise 192.168.0.0/16 to the transit router');
    expect(text).toContain('IPsec: 4 connections, 2 tunnels each.');
    expect(text.trim().split('\n').pop()).toBe('Plan: 45 to create, 0 to adopt, 0 to keep, 0 to delete.');
  });
});

describe('gateways bought before the dual-tunnel upgrade', () => {
  const topology = (existing: { hongkong?: boolean; japan?: boolean }) =>
    yamlTopology(`
name: ikev1test
sites:
  - { name: hongkong, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]${existing.hongkong ? ', existing: { vpc: vpc-hk1, vpnGateway: vpn-hk1 }' : ''} }
  - { name: japan, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]${existing.japan ? ', existing: { vpc: vpc-jp1, vpnGateway: vpn-jp1 }' : ''} }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`);
  /** An adopted gateway as the refresh reads it: a second address, or none. */
  const gateway = (id: string, region: string, dual: boolean): ObservedResource => ({
    kind: 'vpn-gateway',
    id,
    region,
    tags: {},
    attrs: { internetIp: '198.51.100.1', disasterRecoveryIp: dual ? '198.51.100.2' : '' },
  });
  const cgws = (plan: Plan) => ofKind(plan, 'customer-gateway').map((s) => s.id);
  const forms = (plan: Plan) =>
    ofKind(plan, 'ipsec-connection').map((s) => [
      s.site,
      s.params.tunnels,
      s.params.standby,
      s.refs.customerGatewayId.step,
      s.refs.slaveCustomerGatewayId?.step,
    ]);

  it('two legacy gateways: one customer gateway each, single-tunnel connections', () => {
    const plan = buildPlan(topology({ hongkong: true, japan: true }), {
      resources: [gateway('vpn-hk1', 'cn-hongkong', false), gateway('vpn-jp1', 'ap-northeast-1', false)],
    });
    expect(cgws(plan)).toEqual(['customer-gateway:japan:hongkong', 'customer-gateway:hongkong:japan']);
    expect(new Set(forms(plan).map((f) => f.slice(1).join()))).toEqual(
      new Set(['single,false,customer-gateway:japan:hongkong,', 'single,false,customer-gateway:hongkong:japan,']),
    );
    expect(tunnelSentence(plan)).toBe(
      'IPsec: 4 connections: 4 single-tunnel (on a gateway bought before the dual-tunnel upgrade).',
    );
  });

  it('a legacy DC gateway and a new hub: the hub has one customer gateway for the DC, the DC two for the hub; the hub slave has no partner', () => {
    const plan = buildPlan(topology({ hongkong: true }), { resources: [gateway('vpn-hk1', 'cn-hongkong', false)] });
    expect(cgws(plan)).toEqual([
      'customer-gateway:japan:hongkong',
      'customer-gateway:hongkong:japan',
      'customer-gateway:hongkong:japan:2',
    ]);
    expect(forms(plan)).toEqual([
      ['japan', 'dual', false, 'customer-gateway:japan:hongkong', 'customer-gateway:japan:hongkong'],
      ['hongkong', 'single', false, 'customer-gateway:hongkong:japan', undefined],
      ['japan', 'dual', false, 'customer-gateway:japan:hongkong', 'customer-gateway:japan:hongkong'],
      ['hongkong', 'single', false, 'customer-gateway:hongkong:japan', undefined],
    ]);
    expect(tunnelSentence(plan)).toBe(
      'IPsec: 4 connections: 2 with 2 tunnels whose slave has no partner (the peer gateway has one address), 2 single-tunnel (on a gateway bought before the dual-tunnel upgrade).',
    );
    // Without the refresh's word on it, an adopted gateway is taken for today's kind.
    expect(tunnelSentence(buildPlan(topology({ hongkong: true }), EMPTY_OBSERVED))).toBe(
      'IPsec: 4 connections, 2 tunnels each.',
    );
  });

  it("gateways vpnbot created before the upgrade (a sandbox's, tagged, one address each) keep their connections' single-tunnel form: no changes", () => {
    const first = buildPlan(seedTopology(), EMPTY_OBSERVED);
    const legacy = buildPlan(seedTopology(), {
      resources: ['hongkong', 'japan'].map((site) => ({
        kind: 'vpn-gateway' as const,
        id: `vpn-${site}`,
        region: 'cn-hongkong',
        tags: { [TAG_TOPOLOGY]: 'ikev1test', [TAG_STEP]: `vpn-gateway:${site}` },
        attrs: { internetIp: '198.51.100.1', disasterRecoveryIp: '' },
      })),
    });
    expect(ofKind(first, 'customer-gateway')).toHaveLength(4);
    expect(ofKind(legacy, 'customer-gateway')).toHaveLength(2);
    expect(ofKind(legacy, 'ipsec-connection').every((c) => c.params.tunnels === 'single')).toBe(true);
  });

  it("a customer gateway named under existing: stands for the peer's first address; the second is created", () => {
    const t = yamlTopology(`
name: ikev1test
sites:
  - { name: hongkong, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], existing: { vpc: vpc-hk1, vpnGateway: vpn-hk1 } }
  - { name: japan, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12],
      existing: { vpc: vpc-jp1, vpnGateway: vpn-jp1, customerGateway: cgw-jp1 } }
`);
    const plan = buildPlan(t, {
      resources: [gateway('vpn-hk1', 'cn-hongkong', true), gateway('vpn-jp1', 'ap-northeast-1', true)],
    });
    expect(byId(plan, 'customer-gateway:japan:hongkong')).toMatchObject({ action: 'adopt', cloudId: 'cgw-jp1' });
    expect(byId(plan, 'customer-gateway:japan:hongkong:2').action).toBe('create');
  });

  it('an adopted dual-tunnel gateway is planned as one', () => {
    const plan = buildPlan(topology({ japan: true }), { resources: [gateway('vpn-jp1', 'ap-northeast-1', true)] });
    expect(cgws(plan)).toHaveLength(4);
    expect(forms(plan).every(([, form, standby]) => form === 'dual' && standby === true)).toBe(true);
  });

  it('an on-premises DC: both tunnels of the hub face its one address, and both are awaited from its device', () => {
    const plan = buildPlan(
      yamlTopology(`
name: corp
sites:
  - { name: office, role: dc, cidrs: [192.168.0.0/16], onPremises: { publicIp: 203.0.113.10 } }
  - { name: tokyo, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
`),
      EMPTY_OBSERVED,
    );
    expect(forms(plan)).toEqual([
      ['tokyo', 'dual', true, 'customer-gateway:tokyo:office', 'customer-gateway:tokyo:office'],
    ]);
  });
});

describe('IKEv1 against IKEv2', () => {
  it('a DC with 3 CIDRs and 4 reachable networks gives 12 mirrored connections per side under IKEv1', () => {
    const plan = buildPlan(yamlTopology(BIG_DC_YAML('v1'), { ipsecConnectionQuota: 12 }), EMPTY_OBSERVED);
    const dcSide = ofKind(plan, 'ipsec-connection').filter((s) => s.site === 'dc1');
    const hubSide = ofKind(plan, 'ipsec-connection').filter((s) => s.site === 'hub');
    expect(dcSide).toHaveLength(12);
    expect(hubSide).toHaveLength(12);
    const pairs = dcSide.map(
      (s) => `${(s.params.localCidrs as string[]).join()}>${(s.params.remoteCidrs as string[]).join()}`,
    );
    expect(new Set(pairs).size).toBe(12);
    for (const s of [...dcSide, ...hubSide]) {
      expect(s.params.localCidrs).toHaveLength(1);
      expect(s.params.remoteCidrs).toHaveLength(1);
    }
    expect(new Set(dcSide.map((s) => s.params.name)).size).toBe(12);
    // DC routes: one per reachable network; hub routes and publishes: one per DC CIDR.
    // Spokes in name order (sg, us): the plan does not depend on the order sites are written in.
    expect(
      ofKind(plan, 'route-entry')
        .filter((s) => s.site === 'dc1')
        .map((s) => s.params.destinationCidr),
    ).toEqual(['172.16.0.0/16', '172.17.0.0/16', '11.0.0.0/16', '10.0.0.0/8']);
    expect(ofKind(plan, 'tr-advertisement').map((s) => s.params.destinationCidr)).toEqual([
      '192.168.0.0/16',
      '192.169.0.0/16',
      '192.170.0.0/16',
    ]);
    // Three regions on CEN: three routers, a connection between every two.
    expect(ofKind(plan, 'tr-peer-attachment').map((s) => s.id)).toEqual([
      'tr-peer-attachment:ap-northeast-1:ap-southeast-1',
      'tr-peer-attachment:ap-northeast-1:us-west-1',
      'tr-peer-attachment:ap-southeast-1:us-west-1',
    ]);
  });

  it('one key per pair of addresses: every connection between the two gateways shares the master key, and the slave key', () => {
    // IKEv1 main mode picks the key by the peer's address: 12 connections, 2 keys (one per tunnel role).
    const plan = buildPlan(yamlTopology(BIG_DC_YAML('v1'), { ipsecConnectionQuota: 12 }), EMPTY_OBSERVED);
    const names = ofKind(plan, 'ipsec-connection').flatMap((s) => secretNamesOf(s).map((n) => `${n.tunnel} ${n.name}`));
    expect(names).toHaveLength(48);
    expect([...new Set(names)].sort()).toEqual(['master psk:dc1~hub', 'slave psk:dc1~hub:slave']);
    // Another DC of the same hub is another pair of addresses: keys of its own.
    const two = buildPlan(
      yamlTopology(`
name: corp
sites:
  - { name: office, role: dc, cidrs: [192.168.0.0/16, 192.169.0.0/16], onPremises: { publicIp: 203.0.113.10 } }
  - { name: lab, role: dc, cidrs: [192.170.0.0/16], onPremises: { publicIp: 203.0.113.20 } }
  - { name: tokyo, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
`),
      EMPTY_OBSERVED,
    );
    const byPeer = new Map<string, Set<string>>();
    for (const c of ofKind(two, 'ipsec-connection'))
      for (const n of secretNamesOf(c))
        byPeer.set(c.params.peerSite, new Set([...(byPeer.get(c.params.peerSite) ?? []), n.name]));
    expect(Object.fromEntries([...byPeer].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      office: ['psk:office~tokyo', 'psk:office~tokyo:slave'],
      lab: ['psk:lab~tokyo', 'psk:lab~tokyo:slave'],
    });
  });

  it('IKEv2 carries them all on one connection per side', () => {
    const plan = buildPlan(yamlTopology(BIG_DC_YAML('v2')), EMPTY_OBSERVED);
    const conns = ofKind(plan, 'ipsec-connection');
    expect(
      conns.map((s) => [
        s.site,
        s.params.ikeVersion,
        (s.params.localCidrs as string[]).length,
        (s.params.remoteCidrs as string[]).length,
      ]),
    ).toEqual([
      ['hub', 'ikev2', 4, 3],
      ['dc1', 'ikev2', 3, 4],
    ]);
  });

  it('an on-premises DC gets only the hub side: customer gateway at its public IP, connections, routes', () => {
    const t = yamlTopology(`
name: corp
sites:
  - { name: office, role: dc, cidrs: [192.168.0.0/16], onPremises: { publicIp: 203.0.113.10 } }
  - { name: tokyo, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
`);
    const plan = buildPlan(t, EMPTY_OBSERVED);
    expect(plan.steps.filter((s) => s.site === 'office')).toHaveLength(0);
    expect(byIdOf(plan, 'customer-gateway:tokyo:office', 'customer-gateway').params.ipAddress).toBe('203.0.113.10');
    expect(ofKind(plan, 'ipsec-connection').map((s) => [s.site, s.params.mirror])).toEqual([['tokyo', null]]);
    expect(ofKind(plan, 'tr-advertisement')).toHaveLength(1);
  });
});

describe('reconciling with observed state', () => {
  const tagged = (kind: StepKind, id: string, step: string, region = 'cn-hongkong'): ObservedResource => ({
    kind,
    id,
    region,
    tags: { [TAG_TOPOLOGY]: 'ikev1test', [TAG_STEP]: step },
    attrs: {},
  });

  it('an adopted gateway keeps its existing connection as is and adds the missing one', () => {
    const t = yamlTopology(`
name: ikev1test
sites:
  - { name: hongkong, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16],
      existing: { vpc: vpc-hk1, vpnGateway: vpn-hk1, customerGateway: cgw-hk1 } }
  - { name: japan, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12],
      existing: { vpc: vpc-jp1, vpnGateway: vpn-jp1, customerGateway: cgw-jp1 } }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`);
    const observed = {
      resources: [
        {
          kind: 'ipsec-connection' as const,
          id: 'vco-hk-existing',
          region: 'cn-hongkong',
          tags: {},
          attrs: { vpnGatewayId: 'vpn-hk1', localCidrs: ['192.168.0.0/16'], remoteCidrs: ['172.16.0.0/12'] },
        },
        {
          kind: 'ipsec-connection' as const,
          id: 'vco-jp-existing',
          region: 'ap-northeast-1',
          tags: {},
          attrs: { vpnGatewayId: 'vpn-jp1', localCidrs: ['172.16.0.0/12'], remoteCidrs: ['192.168.0.0/16'] },
        },
        {
          kind: 'route-entry' as const,
          id: 'rte-hk-existing',
          region: 'cn-hongkong',
          tags: {},
          attrs: { vpcId: 'vpc-hk1', destinationCidr: '172.16.0.0/12', nextHopId: 'vpn-hk1' },
        },
      ],
    };
    const plan = buildPlan(t, observed);
    expect(byId(plan, 'vpc:hongkong')).toMatchObject({ action: 'adopt', cloudId: 'vpc-hk1', external: true });
    expect(byId(plan, 'vpn-gateway:japan')).toMatchObject({ action: 'adopt', cloudId: 'vpn-jp1' });
    expect(byId(plan, 'customer-gateway:hongkong:japan')).toMatchObject({ action: 'adopt', cloudId: 'cgw-hk1' });
    expect(byId(plan, 'ipsec-connection:hongkong:192.168.0.0/16>172.16.0.0/12')).toMatchObject({
      action: 'keep',
      cloudId: 'vco-hk-existing',
      external: true,
    });
    expect(byId(plan, 'ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16')).toMatchObject({
      action: 'keep',
      cloudId: 'vco-jp-existing',
      external: true,
    });
    expect(byId(plan, 'route-entry:hongkong:172.16.0.0/12')).toMatchObject({ action: 'keep', external: true });
    expect(byId(plan, 'ipsec-connection:hongkong:192.168.0.0/16>10.0.0.0/8').action).toBe('create');
    expect(byId(plan, 'ipsec-connection:japan:10.0.0.0/8>192.168.0.0/16').action).toBe('create');
    expect(byId(plan, 'vpc:us').action).toBe('create');
    expect(plan.summary.delete).toBe(0);
    const text = renderPlan(plan, t);
    expect(text).toContain('= vpn-gateway          ikev1test-japan 10 Mbps, IPsec  (adopt vpn-jp1)');
    expect(text).toContain('(existing, left as is: vco-hk-existing)');
  });

  /** What the cloud holds for a plan's steps: a rule set's id names its rules (rule-set.ts). */
  const holding = (plan: Plan) =>
    plan.steps.map((s, i) =>
      tagged(
        s.kind,
        s.kind === 'security-group-rules' && s.action !== 'delete'
          ? ruleSetId(`sg-${i}`, ruleSetDigest(s.params.rules))
          : `id-${i}`,
        s.id,
        s.region,
      ),
    );

  it('resources vpnbot created for this topology are kept; no longer desired ones are deleted, in reverse order', () => {
    const first = buildPlan(seedTopology(), EMPTY_OBSERVED);
    const resources = holding(first);
    const again = buildPlan(seedTopology(), { resources });
    expect(again.summary).toEqual({ create: 0, adopt: 0, keep: 45, delete: 0 });
    expect(renderPlan(again, seedTopology())).toContain('No changes.');

    const fewer = buildPlan({ ...seedTopology(), probes: false }, { resources });
    expect(fewer.summary).toEqual({ create: 0, adopt: 0, keep: 42, delete: 3 });
    expect(
      fewer.steps
        .filter((s) => s.action === 'delete')
        .map((s) => s.id)
        .sort(),
    ).toEqual(['ecs-instance:hongkong', 'ecs-instance:japan', 'ecs-instance:us']);
  });

  it('a destroy plan deletes everything created, in reverse dependency order, and nothing else', () => {
    const first = buildPlan(seedTopology(), EMPTY_OBSERVED);
    const resources: ObservedResource[] = [
      ...first.steps.map((s, i) => tagged(s.kind, `id-${i}`, s.id, s.region)),
      { kind: 'vpc', id: 'vpc-foreign', region: 'cn-hongkong', tags: {}, attrs: {} },
      {
        kind: 'vpc',
        id: 'vpc-other-topology',
        region: 'cn-hongkong',
        tags: { [TAG_TOPOLOGY]: 'other', [TAG_STEP]: 'vpc:x' },
        attrs: {},
      },
    ];
    const destroy = buildDestroyPlan('ikev1test', 'v1', { resources });
    expect(destroy.summary).toEqual({ create: 0, adopt: 0, keep: 0, delete: 45 });
    const dep = (id: string) => byId(destroy, id).dependsOn;
    expect(dep('vpc:hongkong')).toEqual(
      expect.arrayContaining(['vswitch:hongkong', 'vpn-gateway:hongkong', 'security-group:hongkong']),
    );
    expect(dep('cen:ikev1test')).toEqual([
      'tr-advertisement:japan:192.168.0.0/16',
      'tr-vpc-route:japan:10.0.0.0/8',
      'tr-vpc-route:us:172.16.0.0/12',
      'tr-vpc-route:us:192.168.0.0/16',
      'transit-router:ap-northeast-1',
      'transit-router:us-west-1',
    ]);
    // A router goes after everything on it, the connection between the regions included (it is in both).
    expect(dep('transit-router:us-west-1')).toEqual([
      'tr-association:us',
      'tr-peer-attachment:ap-northeast-1:us-west-1',
      'tr-propagation:us',
      'tr-vpc-attachment:us',
    ]);
    expect(dep('tr-vpc-attachment:japan')).toEqual([
      'tr-advertisement:japan:192.168.0.0/16',
      'tr-association:japan',
      'tr-propagation:japan',
      'tr-vpc-route:japan:10.0.0.0/8',
    ]);
    expect(dep('vswitch:us:2')).toContain('tr-vpc-attachment:us');
    expect(dep('vpn-gateway:japan')).toEqual([
      'ipsec-connection:japan:10.0.0.0/8>192.168.0.0/16',
      'ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16',
      'route-entry:japan:192.168.0.0/16',
    ]);
    expect(dep('customer-gateway:japan:hongkong')).toEqual([
      'ipsec-connection:japan:10.0.0.0/8>192.168.0.0/16',
      'ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16',
    ]);
    expect(dep('route-entry:japan:192.168.0.0/16')).toContain('tr-advertisement:japan:192.168.0.0/16');
    expect(dep('security-group:us')).toEqual(['ecs-instance:us', 'security-group-rules:us']);
  });

  it('a rule set whose rules are not the ones the topology now admits is made again, not kept', () => {
    const resources = holding(buildPlan(seedTopology(), EMPTY_OBSERVED)).map((r) =>
      r.kind === 'security-group-rules' && r.tags[TAG_STEP] === 'security-group-rules:us'
        ? { ...r, id: ruleSetId('sg-us', 'digest-of-older-rules') }
        : r,
    );
    const again = buildPlan(seedTopology(), { resources });
    expect(again.steps.filter((s) => s.action !== 'keep').map((s) => [s.id, s.action])).toEqual([
      ['security-group-rules:us', 'create'],
    ]);
    // Its group is kept, so the create reads it first (to revoke the older rules); in a group the
    // plan makes, nothing of an earlier set can be there.
    const params = (p: Plan) =>
      p.steps.find((s) => s.id === 'security-group-rules:us' && s.action === 'create')?.params as
        | { inNewGroup?: boolean }
        | undefined;
    expect(params(again)?.inNewGroup).toBeUndefined();
    expect(params(buildPlan(seedTopology(), EMPTY_OBSERVED))?.inNewGroup).toBe(true);
  });

  it("rules made one step each by an earlier version are revoked once the site's rule set is in place", () => {
    const now = buildPlan(seedTopology(), EMPTY_OBSERVED);
    // An earlier version's plan: every step as today's but the rule sets, and one step per rule.
    const older = holding(now).filter((r) => r.kind !== 'security-group-rules');
    const legacy = now.steps.flatMap((s) =>
      s.kind === 'security-group-rules' && s.action !== 'delete'
        ? s.params.rules.map((r) =>
            tagged(
              'security-group-rule',
              `sg|ICMP|-1/-1|${r.sourceCidrIp}`,
              stepId.securityGroupRule(s.site!, 'icmp', r.sourceCidrIp),
              s.region,
            ),
          )
        : [],
    );
    const plan = buildPlan(seedTopology(), { resources: [...older, ...legacy] });
    expect(plan.summary).toEqual({ create: 3, adopt: 0, keep: 42, delete: 6 });
    const deletes = plan.steps.filter((s) => s.action === 'delete');
    expect(deletes.map((s) => s.kind)).toEqual(Array(6).fill('security-group-rule'));
    // Each old rule goes after its site's set is made: no moment where the site refuses what it admits.
    for (const d of deletes) expect(d.dependsOn).toEqual([`security-group-rules:${d.site}`]);
    // And the destroy of such a plan removes both forms before the group.
    const destroy = buildDestroyPlan('ikev1test', 'v1', { resources: [...holding(now), ...legacy] });
    expect(byId(destroy, 'security-group:us').dependsOn).toEqual([
      'ecs-instance:us',
      'security-group-rule:us:icmp:172.16.0.0/12',
      'security-group-rule:us:icmp:192.168.0.0/16',
      'security-group-rules:us',
    ]);
  });

  it('a rule set is one plan line with a few rules, and the approval lists them all', () => {
    const t = yamlTopology(BIG_DC_YAML('v2'));
    const plan = buildPlan(t, EMPTY_OBSERVED);
    const set = plan.steps.find(
      (s) => s.kind === 'security-group-rules' && s.action !== 'delete' && s.params.rules.length > 3,
    )!;
    const n = set.kind === 'security-group-rules' && set.action !== 'delete' ? set.params.rules.length : 0;
    const line = renderPlan(plan, t)
      .split('\n')
      .find((l) => l.includes('security-group-rules') && l.includes('more'))!;
    expect(line).toMatch(new RegExp(`allow ICMP from [^,]+, ICMP from [^,]+, ICMP from [^,]+ and ${n - 3} more$`));
    const fact = approvalFactOf(set)!;
    expect(fact.label).toBe('probe firewall allows');
    expect(fact.fact.split(', ')).toHaveLength(n);
  });
});
