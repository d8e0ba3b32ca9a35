/**
 * A topology that mixes a gateway bought before the dual-tunnel upgrade (adopted: one address,
 * single-tunnel connections) with a new dual-tunnel one, planned, applied and measured through the
 * use cases, the real store, the official SDKs and the emulator.
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { runToEnd } from '../../src/app/run-to-end';
import { decidePlan, proposeTopology } from '../../src/app/use-cases';
import { realPacing } from '../../src/engine/retry-policy';
import { createLogger } from '../../src/log/create-logger';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { startHarness, TIME_SCALE, type Harness } from '../helpers/engine-harness';
import { activeGateway, gatewayRequest, vpcWithVswitches } from '../helpers/vpn-sdk';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

it('an adopted single-tunnel gateway and a new dual-tunnel one: planned in the matching forms, applied, 6 of 6 pairs pass', async () => {
  const c = sdkClients(h.emu);
  // Hong Kong's gateway was bought before the upgrade: the region sold single-tunnel gateways then.
  h.emu.setTunnelModes({ 'cn-hongkong': 'single' });
  const hk = await vpcWithVswitches(c, 'cn-hongkong', '192.168.0.0/16', ['cn-hongkong-b']);
  const hkGw = (await c.vpc.createVpnGateway(gatewayRequest('cn-hongkong', hk.vpcId, { vSwitchId: hk.vswitches[0] })))
    .body!.vpnGatewayId!;
  h.emu.setTunnelModes({ 'cn-hongkong': null });
  await activeGateway(c, 'cn-hongkong', hkGw);

  const s: AppServices = {
    store: h.store,
    cloud: h.cloud,
    engine: h.engine,
    pacing: realPacing(TIME_SCALE * 4),
    sandbox: true,
    logger: createLogger('silent'),
    close: async () => undefined,
  };
  const yaml = `
name: mixed
sites:
  - { name: hongkong, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], vswitchCidr: 192.168.1.0/24,
      existing: { vpc: ${hk.vpcId}, vpnGateway: ${hkGw} } }
  - { name: japan, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`;
  const r = await proposeTopology(
    s,
    { text: yaml, form: 'yaml' },
    { ipsecConnectionQuota: 10 },
    { requester: 'U1', now: Date.now(), policy: DEFAULT_APPROVAL_POLICY },
  );
  if (!r.ok) throw new Error(JSON.stringify(r));
  const { plan } = r.proposal;
  const form = (id: string) => {
    const step = plan.steps.find((x) => x.id === id);
    return step?.kind === 'ipsec-connection' && step.action !== 'delete'
      ? [step.params.tunnels, step.params.standby]
      : [];
  };
  // Hong Kong has one address: Japan needs one customer gateway for it, Hong Kong two for Japan.
  expect(plan.steps.filter((x) => x.kind === 'customer-gateway').map((x) => x.id)).toEqual([
    'customer-gateway:japan:hongkong',
    'customer-gateway:hongkong:japan',
    'customer-gateway:hongkong:japan:2',
  ]);
  expect(form('ipsec-connection:hongkong:192.168.0.0/16>172.16.0.0/12')).toEqual(['single', false]);
  expect(form('ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16')).toEqual(['dual', false]);
  expect(r.proposal.record.text).toContain(
    'IPsec: 4 connections: 2 with 2 tunnels whose slave has no partner (the peer gateway has one address), 2 single-tunnel',
  );
  expect(r.proposal.record.text).toContain('Predicted reachability: 6 of 6 pairs reachable');

  const d = await decidePlan(s, {
    planId: r.proposal.record.id,
    actor: 'U1',
    decision: 'approve',
    now: Date.now(),
    policy: { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true },
  });
  if (!d.ok) throw new Error(d.reason);
  const outcome = await runToEnd(s, d.record);
  expect(outcome.result.failures).toEqual([]);
  expect(outcome.result.status).toBe('succeeded');
  const m = outcome.matrix;
  if (!m?.ok) throw new Error(m ? m.refusal : 'not measured');
  expect(m.matrix.cells.map((x) => [`${x.from}>${x.to}`, x.verdict, x.matches, x.ttl])).toEqual([
    ['hongkong>japan', 'pass', true, 62],
    ['hongkong>us', 'pass', true, 62],
    ['japan>hongkong', 'pass', true, 62],
    ['japan>us', 'pass', true, 64],
    ['us>hongkong', 'pass', true, 62],
    ['us>japan', 'pass', true, 64],
  ]);

  // In the cloud: Hong Kong's connections single-tunnel; Japan's two tunnels each, the master up.
  const japanConnections = (
    await c.vpc.describeVpnConnections(new $Vpc.DescribeVpnConnectionsRequest({ regionId: 'ap-northeast-1' }))
  ).body!.vpnConnections!.vpnConnection!;
  expect(japanConnections).toHaveLength(2);
  for (const conn of japanConnections)
    expect(Object.fromEntries(conn.tunnelOptionsSpecification!.tunnelOptions!.map((t) => [t.role, t.status]))).toEqual({
      master: 'ipsec_sa_established',
      slave: 'ike_sa_not_established',
    });
  const hongkongConnections = (
    await c.vpc.describeVpnConnections(new $Vpc.DescribeVpnConnectionsRequest({ regionId: 'cn-hongkong' }))
  ).body!.vpnConnections!.vpnConnection!;
  expect(hongkongConnections.map((x) => [x.status, x.tunnelOptionsSpecification])).toEqual([
    ['ipsec_sa_established', undefined],
    ['ipsec_sa_established', undefined],
  ]);
  // Planned again: nothing to do.
  expect((await h.engine.plan(r.proposal.topology)).summary).toMatchObject({ create: 0, delete: 0 });
});
