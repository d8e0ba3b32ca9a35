import type { EngineEvent } from '../../src/engine/engine-events';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { hasChanges } from '../../src/planner/plan';
import { cloudPing, SITES, summarizePing } from '../helpers/walkthrough';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { countsOfPlan, startHarness, type Harness } from '../helpers/engine-harness';
import { seedTopology, SEED_STEPS } from '../helpers/topologies';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

describe('apply, plan again, destroy: the seed topology through the real SDK against the emulator', () => {
  it('applies with every step succeeded, and the emulator holds exactly the planned resources', async () => {
    const topology = seedTopology();
    const plan = await h.engine.plan(topology);
    expect(plan.summary).toEqual({ create: SEED_STEPS, adopt: 0, keep: 0, delete: 0 });
    const events: EngineEvent[] = [];
    const result = await h.engine.apply(plan, { requester: 'U123', onEvent: (e) => events.push(e) });
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    expect([...result.outcomes.values()].every((o) => o.status === 'succeeded')).toBe(true);
    expect(h.emu.inventory().counts).toEqual(countsOfPlan(buildPlan(topology, EMPTY_OBSERVED).steps));

    // Typed progress: one start and one finish, a started and a succeeded event per step.
    expect(events[0]).toMatchObject({ type: 'run-started', steps: SEED_STEPS, sandbox: true, resumed: false });
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded', succeeded: SEED_STEPS });
    expect(events.filter((e) => e.type === 'step-succeeded')).toHaveLength(SEED_STEPS);

    // Recorded: the run, every step with its cloud id, every resource.
    const steps = h.store.steps(result.runId);
    expect(steps.every((s) => s.status === 'succeeded' && s.cloudId)).toBe(true);
    expect(h.store.resources('ikev1test')).toHaveLength(SEED_STEPS);

    // The network it built works: the walkthrough's matrix shape, measured through Cloud Assistant.
    const c = sdkClients(h.emu);
    const id = (site: string) => h.store.resources('ikev1test').find((r) => r.stepId === `ecs-instance:${site}`)!;
    const ping = async (from: 'hongkong' | 'japan' | 'us', to: 'hongkong' | 'japan' | 'us') =>
      summarizePing(
        (await cloudPing(c, { region: SITES[from].region, instanceId: id(from).cloudId }, id(to).outputs.privateIp!, 2))
          .output,
      );
    expect(await ping('hongkong', 'us')).toMatchObject({ loss: 0, ttl: 62 });
    expect(await ping('us', 'hongkong')).toMatchObject({ loss: 0, ttl: 62 });
    expect(await ping('japan', 'us')).toMatchObject({ loss: 0, ttl: 64 });

    // Built through transit routers, as a cloud user would read it back: the hub and the spoke
    // connected through vSwitches in two zones each, associated and propagating, one connection
    // between Tokyo and Silicon Valley, and the DC's CIDR learned in Tokyo from the hub.
    const attachments = (await c.cen('ListTransitRouterVpcAttachments', { MaxResults: 50 })).TransitRouterAttachments;
    // In region order: the two are made in parallel.
    expect(
      attachments
        .map((a: { VpcRegionId: string; Status: string; ZoneMappings: { ZoneId: string }[] }) => [
          a.VpcRegionId,
          a.Status,
          a.ZoneMappings.map((z) => z.ZoneId),
        ])
        .sort(),
    ).toEqual([
      ['ap-northeast-1', 'Attached', ['ap-northeast-1a', 'ap-northeast-1b']],
      ['us-west-1', 'Attached', ['us-west-1a', 'us-west-1b']],
    ]);
    const tokyo = (await c.cen('ListTransitRouters', { RegionId: 'ap-northeast-1' })).TransitRouters[0];
    const table = (await c.cen('ListTransitRouterRouteTables', { TransitRouterId: tokyo.TransitRouterId }))
      .TransitRouterRouteTables[0].TransitRouterRouteTableId;
    for (const a of attachments) {
      const link = { TransitRouterAttachmentId: a.TransitRouterAttachmentId };
      expect((await c.cen('ListTransitRouterRouteTableAssociations', link)).TransitRouterAssociations).toEqual([
        expect.objectContaining({ Status: 'Active' }),
      ]);
      const routerTable = (await c.cen('ListTransitRouterRouteTables', { TransitRouterId: a.TransitRouterId }))
        .TransitRouterRouteTables[0].TransitRouterRouteTableId;
      expect(
        (await c.cen('ListTransitRouterRouteTablePropagations', { ...link, TransitRouterRouteTableId: routerTable }))
          .TransitRouterPropagations,
      ).toEqual([expect.objectContaining({ Status: 'Active' })]);
    }
    expect((await c.cen('ListTransitRouterPeerAttachments', {})).TransitRouterAttachments).toEqual([
      expect.objectContaining({ Status: 'Attached', BandwidthType: '', PeerTransitRouterRegionId: 'us-west-1' }),
    ]);
    expect(
      (
        await c.cen('ListTransitRouterRouteEntries', {
          TransitRouterRouteTableId: table,
          TransitRouterRouteEntryDestinationCidrBlock: '192.168.0.0/16',
        })
      ).TransitRouterRouteEntries,
    ).toEqual([
      expect.objectContaining({
        TransitRouterRouteEntryType: 'Propagated',
        TransitRouterRouteEntryOriginResourceId: h.store.resources('ikev1test').find((r) => r.stepId === 'vpc:japan')!
          .cloudId,
        TransitRouterRouteEntryNextHopResourceType: 'VPC',
      }),
    ]);

    // Planning again: no changes.
    const again = await h.engine.plan(topology);
    expect(hasChanges(again)).toBe(false);
    expect(again.summary).toEqual({ create: 0, adopt: 0, keep: SEED_STEPS, delete: 0 });

    // Today's cloud: 2 dual-tunnel gateways (2 vSwitches, 2 addresses each), 4 customer gateways
    // (one per peer address), 4 connections with 8 tunnels, all established, as the SDK reads them.
    const resources = h.store.resources('ikev1test');
    const regionOf = (id: string) => resources.find((x) => x.cloudId === id)!.region;
    for (const gw of resources.filter((r) => r.kind === 'vpn-gateway')) {
      const g = (
        await c.vpc.describeVpnGateway(
          new $Vpc.DescribeVpnGatewayRequest({ regionId: gw.region, vpnGatewayId: gw.cloudId }),
        )
      ).body!;
      const vswitch = (step: string) => resources.find((r) => r.stepId === step)!.cloudId;
      expect(g).toMatchObject({
        vSwitchId: vswitch(`vswitch:${gw.site}`),
        disasterRecoveryVSwitchId: vswitch(`vswitch:${gw.site}:2`),
      });
      expect(g.disasterRecoveryInternetIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
    expect(h.emu.inventory().counts['customer-gateway']).toBe(4);
    const tunnels = [];
    for (const region of ['cn-hongkong', 'ap-northeast-1'])
      for (const conn of (
        await c.vpc.describeVpnConnections(new $Vpc.DescribeVpnConnectionsRequest({ regionId: region, pageSize: 50 }))
      ).body!.vpnConnections!.vpnConnection!)
        tunnels.push(...conn.tunnelOptionsSpecification!.tunnelOptions!);
    expect(tunnels).toHaveLength(8);
    expect(tunnels.every((t) => t.status === 'ipsec_sa_established')).toBe(true);

    // The pre-shared keys, one per pair of addresses (the masters', the slaves'), are stored encrypted, not in clear.
    const raw = h.db.prepare('SELECT ciphertext FROM secrets').all() as { ciphertext: Buffer }[];
    expect(raw).toHaveLength(2);
    // Every connection between the two gateways holds the pair's key on each tunnel (IKEv1 main mode).
    const keysByRole = new Map<string, Set<string>>();
    for (const t of tunnels)
      keysByRole.set(t.role!, new Set([...(keysByRole.get(t.role!) ?? []), t.tunnelIkeConfig!.psk!]));
    expect([...keysByRole.values()].map((k) => k.size)).toEqual([1, 1]);
    // As a cloud user would read them back: DescribeVpnConnection answers each tunnel's key.
    const pair = h.emu.inventory().tunnels[0]!;
    expect(pair).toMatchObject({ tunnelCount: 2, sameKey: true });
    const described = await c.vpc.describeVpnConnection(
      new $Vpc.DescribeVpnConnectionRequest({ regionId: regionOf(pair.id), vpnConnectionId: pair.id }),
    );
    const keys = described.body!.tunnelOptionsSpecification!.tunnelOptions!.map((t) => t.tunnelIkeConfig!.psk!);
    expect(keys.map((k) => k.length)).toEqual([32, 32]);
    expect(keys[0]).not.toBe(keys[1]);
    for (const psk of keys) {
      for (const r of raw) expect(r.ciphertext.toString('latin1')).not.toContain(psk);
      expect(JSON.stringify(events)).not.toContain(psk);
    }

    // Destroy: nothing vpnbot created is left.
    const destroy = await h.engine.planDestroy(topology);
    expect(destroy.summary).toEqual({ create: 0, adopt: 0, keep: 0, delete: SEED_STEPS });
    const gone = await h.engine.apply(destroy, { requester: 'U123' });
    expect(gone.status).toBe('succeeded');
    expect(Object.values(h.emu.inventory().counts).every((n) => n === 0)).toBe(true);
    expect(h.store.resources('ikev1test')).toEqual([]);
    expect((await h.engine.plan(topology)).summary.create).toBe(SEED_STEPS);
  });
});

describe('calls an apply makes', () => {
  it('no describe follows a create whose answer is the resource (security groups, their rules, customer gateways)', async () => {
    const plan = await h.engine.plan(seedTopology());
    h.emu.control.calls.clear();
    expect((await h.engine.apply(plan, { requester: 'U1' })).status).toBe('succeeded');
    const calls = Object.fromEntries(h.emu.control.calls);
    expect({
      sg: calls.CreateSecurityGroup,
      rules: calls.AuthorizeSecurityGroup,
      cgw: calls.CreateCustomerGateway,
    }).toEqual({ sg: 3, rules: 3, cgw: 4 });
    // A group's rules are one call (six rules in three groups); the groups are new, so nothing of an
    // earlier set is read first either.
    expect({
      sg: calls.DescribeSecurityGroups,
      rules: calls.DescribeSecurityGroupAttribute,
      cgw: calls.DescribeCustomerGateway,
    }).toEqual({ sg: undefined, rules: undefined, cgw: undefined });
  });
});
