import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import type { Plan } from '../../src/planner/plan';
import { modelFromPlan } from '../../src/reachability/network-model';
import { predictMatrix, renderPrediction, type PairPrediction } from '../../src/reachability/predict';
import { twelveSiteTopology } from '../../src/bench/bench-topologies';
import { seedTopology, yamlTopology, BIG_DC_YAML } from '../helpers/topologies';

const seed = seedTopology();
const plan = buildPlan(seed, EMPTY_OBSERVED);
const byPair = (ps: readonly PairPrediction[]) => Object.fromEntries(ps.map((p) => [`${p.from}>${p.to}`, p]));
const without = (p: Plan, drop: (s: Plan['steps'][number]) => boolean): Plan => ({
  ...p,
  steps: p.steps.filter((s) => !drop(s)),
});

describe('predictMatrix on the walkthrough', () => {
  const m = byPair(predictMatrix(modelFromPlan(plan, seed)));

  it("predicts all six pairs reachable, with the walkthrough's TTLs (62 through the tunnel, 64 over CEN)", () => {
    expect(Object.fromEntries(Object.entries(m).map(([k, p]) => [k, [p.reachable, p.ttl]]))).toEqual({
      'hongkong>japan': [true, 62],
      'hongkong>us': [true, 62],
      'japan>hongkong': [true, 62],
      'japan>us': [true, 64],
      'us>hongkong': [true, 62],
      'us>japan': [true, 64],
    });
  });

  it('names the path each echo takes: through a tunnel (master, slave standby), then the transit routers of both regions', () => {
    const over = ['TR ap-northeast-1', 'TR us-west-1'];
    expect(m['hongkong>us']!.path).toEqual([
      'hongkong',
      'ipsec ikev1test-hongkong-to-us tunnel master (slave standby)',
      'japan',
      ...over,
      'us',
    ]);
    expect(m['us>hongkong']!.path).toEqual([
      'us',
      'TR us-west-1',
      'TR ap-northeast-1',
      'japan',
      'ipsec ikev1test-us-to-hongkong tunnel master (slave standby)',
      'hongkong',
    ]);
    expect(m['japan>us']!.path).toEqual(['japan', ...over, 'us']);
  });

  it('Hong Kong <-> US rely on the advertised route; Hong Kong <-> Japan do not; the pairs over CEN cross the test bandwidth', () => {
    const advertised = (p: PairPrediction) =>
      p.reliesOn.filter((r) => r.kind === 'tr-advertisement').map((r) => r.what);
    expect(advertised(m['hongkong>us']!)).toEqual(['192.168.0.0/16 advertised to the transit router by japan']);
    expect(advertised(m['us>hongkong']!)).toEqual(['192.168.0.0/16 advertised to the transit router by japan']);
    expect(advertised(m['hongkong>japan']!)).toEqual([]);
    expect(m['us>japan']!.reliesOn.map((r) => r.kind).sort()).toEqual([
      'sg-rule',
      'tr-association',
      'tr-association',
      'tr-attachment',
      'tr-attachment',
      'tr-peer',
      'tr-propagation',
      'tr-propagation',
      'tr-route',
      'tr-route',
    ]);
    const crossing = Object.values(m)
      .filter((p) => p.links.length > 0)
      .map((p) => `${p.from}>${p.to}`)
      .sort();
    expect(crossing).toEqual(['hongkong>us', 'japan>us', 'us>hongkong', 'us>japan']);
    expect(m['japan>us']!.links).toEqual([
      {
        id: 'tr-peer-attachment:ap-northeast-1:us-west-1',
        regions: ['ap-northeast-1', 'us-west-1'],
        testBandwidth: true,
      },
    ]);
  });

  it('renders "6 of 6 pairs reachable"', () => {
    expect(renderPrediction(predictMatrix(modelFromPlan(plan, seed)))).toMatch(
      /^Predicted reachability: 6 of 6 pairs reachable\n {2}hongkong -> japan: reachable, ttl 62, via hongkong -> ipsec/,
    );
  });
});

describe('predictMatrix when something is missing', () => {
  it('each missing piece of the transit routers: exactly the pairs that need it unreachable, with the cause', () => {
    const unreachable = (kind: string) =>
      Object.fromEntries(
        predictMatrix(
          modelFromPlan(
            without(plan, (s) => s.kind === kind),
            seed,
          ),
        )
          .filter((p) => !p.reachable)
          .map((p) => [`${p.from}>${p.to}`, p.reason]),
      );
    expect(unreachable('tr-advertisement')).toEqual({
      'hongkong>us': 'the reply is lost: route 192.168.0.0/16 not advertised to the transit router by japan',
      'us>hongkong': 'route 192.168.0.0/16 not advertised to the transit router by japan',
    });
    expect(unreachable('tr-association')).toEqual({
      'hongkong>us': 'the connection of japan is not associated with a route table',
      'japan>us': 'the connection of japan is not associated with a route table',
      'us>hongkong': 'the connection of us is not associated with a route table',
      'us>japan': 'the connection of us is not associated with a route table',
    });
    expect(unreachable('tr-peer-attachment')).toEqual({
      'hongkong>us': 'no inter-region connection between ap-northeast-1 and us-west-1',
      'japan>us': 'no inter-region connection between ap-northeast-1 and us-west-1',
      'us>hongkong': 'no inter-region connection between us-west-1 and ap-northeast-1',
      'us>japan': 'no inter-region connection between us-west-1 and ap-northeast-1',
    });
    expect(Object.keys(unreachable('tr-propagation')).sort()).toEqual([
      'hongkong>us',
      'japan>us',
      'us>hongkong',
      'us>japan',
    ]);
    expect(unreachable('tr-propagation')['japan>us']).toBe('the routes of us are not propagated to its transit router');
    expect(
      renderPrediction(
        predictMatrix(
          modelFromPlan(
            without(plan, (s) => s.kind === 'tr-advertisement'),
            seed,
          ),
        ),
      ),
    ).toMatch(/^Predicted reachability: 4 of 6 pairs reachable\n/);
  });

  it('on a CEN bought before (Basic): the published route, and a Basic link on the test bandwidth', () => {
    const basic = buildPlan(seed, { resources: [], cenEdition: 'basic' });
    const m = byPair(predictMatrix(modelFromPlan(basic, seed)));
    expect(m['us>hongkong']!.path).toEqual([
      'us',
      'CEN',
      'japan',
      'ipsec ikev1test-us-to-hongkong tunnel master (slave standby)',
      'hongkong',
    ]);
    expect(m['us>hongkong']!.reliesOn.filter((r) => r.kind === 'cen-publish').map((r) => r.what)).toEqual([
      '192.168.0.0/16 published to CEN by japan',
    ]);
    expect(m['japan>us']!.links).toEqual([
      { id: 'cen:ap-northeast-1|us-west-1', regions: ['ap-northeast-1', 'us-west-1'], testBandwidth: true },
    ]);
    const withdrawn = byPair(
      predictMatrix(
        modelFromPlan(
          without(basic, (s) => s.kind === 'cen-route-publish'),
          seed,
        ),
      ),
    );
    expect(withdrawn['us>hongkong']).toMatchObject({ reachable: false, reason: 'us has no route to 192.168.0.0/24' });
    expect(withdrawn['hongkong>japan']!.reachable).toBe(true);
  });

  it('allocated bandwidth: the pairs cross a connection that is not the test bandwidth', () => {
    const t = { ...seed, interRegionBandwidth: { type: 'data-transfer' as const, mbps: 10 } };
    const m = byPair(predictMatrix(modelFromPlan(buildPlan(t, EMPTY_OBSERVED), t)));
    expect(m['japan>us']!.links.map((l) => l.testBandwidth)).toEqual([false]);
  });

  it('without a security group rule: that destination drops ICMP from that source, and says so', () => {
    // The us group's rule set, less the rule for hongkong's CIDR.
    const fewer: Plan = {
      ...plan,
      steps: plan.steps.map((s) =>
        s.kind === 'security-group-rules' && s.action !== 'delete' && s.site === 'us'
          ? { ...s, params: { rules: s.params.rules.filter((r) => r.sourceCidrIp !== '192.168.0.0/16') } }
          : s,
      ),
    };
    const m = byPair(predictMatrix(modelFromPlan(fewer, seed)));
    expect(m['hongkong>us']).toMatchObject({
      reachable: false,
      reason: 'security group of us does not admit ICMP from 192.168.0.0/24',
    });
    expect(m['us>hongkong']!.reachable).toBe(true);
  });

  it('rules made one step each (a plan of an earlier version) admit as a rule set does', () => {
    const legacy: Plan = {
      ...plan,
      steps: plan.steps.flatMap((s) =>
        s.kind === 'security-group-rules' && s.action !== 'delete'
          ? s.params.rules.map((r) => ({
              ...s,
              id: `security-group-rule:${s.site}:icmp:${r.sourceCidrIp}`,
              kind: 'security-group-rule' as const,
              params: { ...r, priority: 1 },
            }))
          : [s],
      ),
    };
    const all = predictMatrix(modelFromPlan(legacy, seed));
    expect(all.every((p) => p.reachable)).toBe(true);
    const m = byPair(
      predictMatrix(
        modelFromPlan(
          without(legacy, (s) => s.id === 'security-group-rule:us:icmp:192.168.0.0/16'),
          seed,
        ),
      ),
    );
    expect(m['hongkong>us']!.reachable).toBe(false);
  });

  it('a connection whose mirror is missing cannot negotiate', () => {
    const m = byPair(
      predictMatrix(
        modelFromPlan(
          without(plan, (s) => s.id.includes('japan') && s.kind === 'ipsec-connection'),
          seed,
        ),
      ),
    );
    expect(m['hongkong>japan']!.reason).toMatch(
      /^tunnel ikev1test-hongkong-to-japan has no mirrored connection at japan/,
    );
  });

  it('existingOnly: before apply nothing exists, so no probe and nothing to predict', () => {
    expect(predictMatrix(modelFromPlan(plan, seed, { existingOnly: true }))).toEqual([]);
  });

  it('a known probe address is used as a /32', () => {
    const m = byPair(predictMatrix(modelFromPlan(plan, seed, { probeIps: { us: '10.0.0.231' } })));
    expect(m['us>japan']!.reliesOn.find((r) => r.kind === 'sg-rule')!.what).toBe(
      'security group of japan admits ICMP from 10.0.0.0/8',
    );
    expect(m['hongkong>us']!.reachable).toBe(true);
  });
});

describe('predictMatrix beyond the seed', () => {
  it("today's CEN connects exactly the pairs a Basic CEN did (12 sites over 9 regions, 3 hubs)", () => {
    const t = { ...twelveSiteTopology(), probes: true };
    const reachable = (cenEdition: 'basic' | 'enterprise') =>
      predictMatrix(modelFromPlan(buildPlan(t, { resources: [], cenEdition }), t))
        .filter((p) => p.reachable)
        .map((p) => `${p.from}>${p.to}`);
    expect(reachable('enterprise')).toEqual(reachable('basic'));
    expect(reachable('enterprise')).toHaveLength(114);
  });

  it('IKEv1 with three DC CIDRs and two spokes: every pair reachable', () => {
    for (const ike of ['v1', 'v2'] as const) {
      const t = yamlTopology(BIG_DC_YAML(ike).replace('sites:', 'probes: true\nsites:'), { ipsecConnectionQuota: 12 });
      const ps = predictMatrix(modelFromPlan(buildPlan(t, EMPTY_OBSERVED), t));
      expect(ps).toHaveLength(12);
      expect(ps.filter((p) => !p.reachable)).toEqual([]);
    }
  });
});

describe('which tunnel a pair is predicted through', () => {
  it('a new hub facing a DC gateway bought before the upgrade: its master, with no standby; the DC side over its one tunnel', () => {
    const t = yamlTopology(`
name: mixed
sites:
  - { name: hongkong, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], existing: { vpc: vpc-hk1, vpnGateway: vpn-hk1 } }
  - { name: japan, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
`);
    const observed = {
      resources: [
        {
          kind: 'vpn-gateway' as const,
          id: 'vpn-hk1',
          region: 'cn-hongkong',
          tags: {},
          attrs: { internetIp: '198.51.100.1', disasterRecoveryIp: '' },
        },
      ],
    };
    const m = byPair(predictMatrix(modelFromPlan(buildPlan(t, observed), t)));
    expect(m['hongkong>japan']!.path).toEqual(['hongkong', 'ipsec mixed-hongkong-to-japan (single tunnel)', 'japan']);
    expect(m['japan>hongkong']!.path).toEqual([
      'japan',
      'ipsec mixed-japan-to-hongkong tunnel master (no standby: the peer has one address)',
      'hongkong',
    ]);
  });
});
