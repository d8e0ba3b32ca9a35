/**
 * The walkthrough (shared/reference/seed-scenario.md) built call by call through the official SDK
 * clients, in the walkthrough's own order, with today's CEN: an Enterprise Edition CEN whose
 * transit routers in Tokyo and Silicon Valley connect the hub and the spoke (VPC attachments in two
 * zones, associated and propagating, an inter-region connection, the VPC routes back to the
 * attachments, the DC's route advertised at the hub). With `basicCen` (a CEN held as bought before,
 * through the control API) it is built as in 2019: attachments and a published route. Options leave
 * out or spoil one piece, for the tests of what happens then.
 */
import { $Ecs, $Vpc, until, type sdkClients } from './alibaba-sdk';

type Clients = ReturnType<typeof sdkClients>;

/** The pieces of today's CEN that a test may leave out. */
export type TransitPiece = 'association' | 'propagation' | 'peer-attachment' | 'advertisement';

export interface WalkthroughOptions {
  /** Whether the hub's route to the DC is published (Basic) or advertised (Enterprise) to CEN. */
  readonly publish?: boolean;
  /** A CEN held as bought before Enterprise Edition: built with AttachCenChildInstance as in 2019. */
  readonly basicCen?: string;
  /** Leave one piece of the transit-router set-up out (`advertisement` is `publish: false`). */
  readonly without?: TransitPiece;
  /** The inter-region connection's bandwidth (none: the test bandwidth). */
  readonly bandwidth?: { readonly type: 'DataTransfer'; readonly mbps: number };
  /** The Japan side's pre-shared key (Hong Kong uses test1234). */
  readonly japanPsk?: string;
  /** Stop once the Hong Kong <-> Japan tunnel is in service: the premise of adopting it. */
  readonly tunnelOnly?: boolean;
  /** Create the Hong Kong -> Japan connection with AutoConfigRoute=false: its gateway has no route for it. */
  readonly noAutoRoute?: boolean;
  /**
   * Single-tunnel gateways and connections, as the walkthrough made them in 2019: only where the
   * regions still sell them (buildLegacyWalkthrough marks them so). Otherwise today's form: two
   * vSwitches and two addresses per gateway, a customer gateway per peer address, two tunnels per
   * connection.
   */
  readonly singleTunnel?: boolean;
}

export const SITES = {
  hongkong: { region: 'cn-hongkong', zone: 'cn-hongkong-b', cidr: '192.168.0.0/16', vsw: '192.168.0.0/24' },
  japan: { region: 'ap-northeast-1', zone: 'ap-northeast-1a', cidr: '172.16.0.0/12', vsw: '172.16.0.0/24' },
  us: { region: 'us-west-1', zone: 'us-west-1a', cidr: '10.0.0.0/8', vsw: '10.0.0.0/24' },
} as const;
/** The second vSwitch of a dual-tunnel gateway's site, in another zone. */
export const SECOND_VSWITCH = {
  hongkong: { zone: 'cn-hongkong-c', vsw: '192.168.1.0/24' },
  japan: { zone: 'ap-northeast-1b', vsw: '172.16.1.0/24' },
} as const;
export type SiteName = keyof typeof SITES;
/** The second zone of the CEN members, for their transit-router attachments. */
const SECOND = {
  japan: { zone: 'ap-northeast-1b', vsw: '172.16.1.0/24' },
  us: { zone: 'us-west-1b', vsw: '10.0.1.0/24' },
} as const;

const TAG = [{ Key: 'walkthrough', Value: 'ikev1test' }];

/** Today's CEN pieces, by region or site. */
export interface Transit {
  readonly router: { japan: string; us: string };
  readonly routeTable: { japan: string; us: string };
  readonly attachment: { japan: string; us: string };
  /** '' when left out. */
  readonly peerAttachment: string;
}

export interface Built {
  readonly vpc: Record<SiteName, { id: string; routeTableId: string }>;
  readonly gateway: { hongkong: string; japan: string };
  readonly connections: Record<string, string>;
  readonly cenId: string;
  readonly instance: Record<SiteName, { id: string; ip: string }>;
  /** Each side's customer gateway for the other's first address (its only one, single-tunnel). */
  readonly customerGateway: { hongkong: string; japan: string };
  /** Dual-tunnel: each side's customer gateway for the other's second address. */
  readonly customerGateway2?: { hongkong: string; japan: string };
  /** The gateways' addresses: the second is undefined for a single-tunnel gateway. */
  readonly ips: { hongkong: readonly string[]; japan: readonly string[] };
  /** Absent for a Basic CEN. */
  readonly transit?: Transit;
}

/** What an emulator offers to mark regions single-tunnel (RunningEmulator.setTunnelModes). */
export interface TunnelModeControl {
  setTunnelModes(modes: Readonly<Record<string, 'single' | 'dual' | null>>): void;
}

/**
 * The walkthrough as built in 2019, before the dual-tunnel upgrade: Hong Kong and Tokyo sold
 * single-tunnel gateways then, and the gateways bought then stay single-tunnel.
 */
export async function buildLegacyWalkthrough(
  emu: TunnelModeControl,
  c: Clients,
  options: Omit<WalkthroughOptions, 'singleTunnel'> = {},
): Promise<Built> {
  emu.setTunnelModes({ [SITES.hongkong.region]: 'single', [SITES.japan.region]: 'single' });
  try {
    return await buildWalkthrough(c, { ...options, singleTunnel: true });
  } finally {
    emu.setTunnelModes({ [SITES.hongkong.region]: null, [SITES.japan.region]: null });
  }
}

export async function buildWalkthrough(c: Clients, options: WalkthroughOptions = {}): Promise<Built> {
  const names = (options.tunnelOnly ? ['hongkong', 'japan'] : Object.keys(SITES)) as SiteName[];
  const vpc = {} as Built['vpc'];
  const vsw = {} as Record<SiteName, string>;
  for (const n of names) {
    const s = SITES[n];
    const r = await c.vpc.createVpc(
      new $Vpc.CreateVpcRequest({ regionId: s.region, cidrBlock: s.cidr, vpcName: `ikev1test-${n}` }),
    );
    vpc[n] = { id: r.body!.vpcId!, routeTableId: r.body!.routeTableId! };
  }
  for (const n of names) {
    await until(
      `VPC ${n}`,
      async () =>
        (
          await c.vpc.describeVpcAttribute(
            new $Vpc.DescribeVpcAttributeRequest({ regionId: SITES[n].region, vpcId: vpc[n].id }),
          )
        ).body?.status === 'Available',
    );
    const r = await c.vpc.createVSwitch(
      new $Vpc.CreateVSwitchRequest({
        regionId: SITES[n].region,
        vpcId: vpc[n].id,
        zoneId: SITES[n].zone,
        cidrBlock: SITES[n].vsw,
        vSwitchName: `ikev1test-${n}`,
      }),
    );
    vsw[n] = r.body!.vSwitchId!;
  }
  const vsw2 = {} as Record<'hongkong' | 'japan', string>;
  if (!options.singleTunnel) {
    for (const n of ['hongkong', 'japan'] as const) {
      const r = await c.vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({
          regionId: SITES[n].region,
          vpcId: vpc[n].id,
          zoneId: SECOND_VSWITCH[n].zone,
          cidrBlock: SECOND_VSWITCH[n].vsw,
          vSwitchName: `ikev1test-${n}-2`,
        }),
      );
      vsw2[n] = r.body!.vSwitchId!;
    }
  }
  for (const n of names) {
    await until(
      `vSwitch ${n}`,
      async () =>
        (
          await c.vpc.describeVSwitches(
            new $Vpc.DescribeVSwitchesRequest({ regionId: SITES[n].region, vSwitchId: vsw[n] }),
          )
        ).body?.vSwitches?.vSwitch?.[0]?.status === 'Available',
    );
  }

  for (const [n, id] of Object.entries(vsw2)) {
    await until(
      `second vSwitch ${n}`,
      async () =>
        (
          await c.vpc.describeVSwitches(
            new $Vpc.DescribeVSwitchesRequest({ regionId: SITES[n as SiteName].region, vSwitchId: id }),
          )
        ).body?.vSwitches?.vSwitch?.[0]?.status === 'Available',
    );
  }

  const gateway = { hongkong: '', japan: '' };
  const ip = { hongkong: [] as string[], japan: [] as string[] };
  for (const n of ['hongkong', 'japan'] as const) {
    const r = await c.vpc.createVpnGateway(
      new $Vpc.CreateVpnGatewayRequest({
        regionId: SITES[n].region,
        vpcId: vpc[n].id,
        vSwitchId: vsw[n],
        ...(options.singleTunnel ? {} : { disasterRecoveryVSwitchId: vsw2[n] }),
        bandwidth: 10,
        instanceChargeType: 'POSTPAY',
        autoPay: true,
        enableIpsec: true,
        enableSsl: false,
        name: `ikev1test-${n}`,
      }),
    );
    gateway[n] = r.body!.vpnGatewayId!;
  }
  const waitGateway = (n: 'hongkong' | 'japan') =>
    until(`gateway ${n} active`, async () => {
      const g = (
        await c.vpc.describeVpnGateway(
          new $Vpc.DescribeVpnGatewayRequest({ regionId: SITES[n].region, vpnGatewayId: gateway[n] }),
        )
      ).body!;
      return g.status === 'active'
        ? [g.internetIp!, ...(g.disasterRecoveryInternetIp ? [g.disasterRecoveryInternetIp] : [])]
        : undefined;
    });
  ip.hongkong = await waitGateway('hongkong');
  ip.japan = await waitGateway('japan');

  const customerGateway = async (side: 'hongkong' | 'japan', address: string, suffix = '') =>
    (
      await c.vpc.createCustomerGateway(
        new $Vpc.CreateCustomerGatewayRequest({
          regionId: SITES[side].region,
          ipAddress: address,
          name: `ikev1test-${side}${suffix}`,
        }),
      )
    ).body!.customerGatewayId!;
  const cgw = {
    hongkong: await customerGateway('hongkong', ip.japan[0]!),
    japan: await customerGateway('japan', ip.hongkong[0]!),
  };
  const cgw2 = options.singleTunnel
    ? undefined
    : {
        hongkong: await customerGateway('hongkong', ip.japan[1]!, '-2'),
        japan: await customerGateway('japan', ip.hongkong[1]!, '-2'),
      };
  /** Master with the peer's first address, slave with its second; one key for both here. */
  const tunnels = (side: 'hongkong' | 'japan', psk: string) =>
    (['master', 'slave'] as const).map(
      (role) =>
        new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
          role,
          customerGatewayId: role === 'master' ? cgw[side] : cgw2![side],
          enableDpd: true,
          enableNatTraversal: true,
          tunnelIkeConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig({
            psk,
            ikeVersion: 'ikev1',
          }),
          tunnelIpsecConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIpsecConfig({}),
        }),
    );
  const connections: Record<string, string> = {};
  const table = [
    ['ikev1test-hongkong-to-japan', 'hongkong', '192.168.0.0/16', '172.16.0.0/12'],
    ['ikev1test-hongkong-to-us', 'hongkong', '192.168.0.0/16', '10.0.0.0/8'],
    ['ikev1test-japan-to-hongkong', 'japan', '172.16.0.0/12', '192.168.0.0/16'],
    ['ikev1test-us-to-hongkong', 'japan', '10.0.0.0/8', '192.168.0.0/16'],
  ] as const;
  for (const [name, side, local, remote] of table
    .filter(([, , , r]) => !options.tunnelOnly || r !== '10.0.0.0/8')
    .filter(([, , l]) => !options.tunnelOnly || l !== '10.0.0.0/8')) {
    const psk = side === 'japan' ? (options.japanPsk ?? 'test1234') : 'test1234';
    const r = await c.vpc.createVpnConnection(
      new $Vpc.CreateVpnConnectionRequest({
        regionId: SITES[side].region,
        vpnGatewayId: gateway[side],
        name,
        localSubnet: local,
        remoteSubnet: remote,
        effectImmediately: true,
        ...(options.singleTunnel
          ? { customerGatewayId: cgw[side], ikeConfig: JSON.stringify({ Psk: psk, IkeVersion: 'ikev1' }) }
          : { tunnelOptionsSpecification: tunnels(side, psk) }),
        ...(options.noAutoRoute && name === 'ikev1test-hongkong-to-japan' ? { autoConfigRoute: false } : {}),
      }),
    );
    connections[name] = r.body!.vpnConnectionId!;
    await waitGateway(side);
  }

  const addressing = { customerGateway: cgw, ...(cgw2 ? { customerGateway2: cgw2 } : {}), ips: ip };
  if (options.tunnelOnly)
    return { vpc, gateway, connections, cenId: '', instance: {} as Built['instance'], ...addressing };
  const cenId = options.basicCen ?? ((await c.cen('CreateCen', { Name: 'ikev1test' })).CenId as string);
  await until(
    'CEN active',
    async () =>
      (await c.cen('DescribeCens', { Filter: [{ Key: 'CenId', Value: [cenId] }] })).Cens.Cen[0]?.Status === 'Active',
  );
  let transit: Transit | undefined;
  if (options.basicCen) {
    for (const n of ['japan', 'us'] as const) {
      const child = {
        CenId: cenId,
        ChildInstanceId: vpc[n].id,
        ChildInstanceType: 'VPC',
        ChildInstanceRegionId: SITES[n].region,
      };
      await c.cen('AttachCenChildInstance', child);
      await until(
        `${n} attached`,
        async () => (await c.cen('DescribeCenAttachedChildInstanceAttribute', child)).Status === 'Attached',
      );
    }
  } else transit = await buildTransit(c, cenId, vpc, options);

  const routes = [
    ['hongkong', '172.16.0.0/12'],
    ['hongkong', '10.0.0.0/8'],
    ['japan', '192.168.0.0/16'],
  ] as const;
  for (const [n, dest] of routes) {
    const r = await c.vpc.createRouteEntry(
      new $Vpc.CreateRouteEntryRequest({
        regionId: SITES[n].region,
        routeTableId: vpc[n].routeTableId,
        destinationCidrBlock: dest,
        nextHopType: 'VpnGateway',
        nextHopId: gateway[n as 'hongkong' | 'japan'],
      }),
    );
    await until(
      `route ${dest}`,
      async () =>
        (
          await c.vpc.describeRouteEntryList(
            new $Vpc.DescribeRouteEntryListRequest({
              regionId: SITES[n].region,
              routeTableId: vpc[n].routeTableId,
              routeEntryId: r.body!.routeEntryId,
            }),
          )
        ).body?.routeEntrys?.routeEntry?.[0]?.status === 'Available',
    );
  }
  if ((options.publish ?? true) && options.without !== 'advertisement') {
    const p = {
      CenId: cenId,
      ChildInstanceId: vpc.japan.id,
      ChildInstanceType: 'VPC',
      ChildInstanceRegionId: SITES.japan.region,
      ChildInstanceRouteTableId: vpc.japan.routeTableId,
      DestinationCidrBlock: '192.168.0.0/16',
    };
    await c.cen('PublishRouteEntries', p);
    await until(
      'published',
      async () =>
        (await c.cen('DescribePublishedRouteEntries', p)).PublishedRouteEntries.PublishedRouteEntry[0]
          ?.PublishStatus === 'Published',
    );
  }

  const instance = {} as Built['instance'];
  for (const n of names) {
    const s = SITES[n];
    const sg = (
      await c.ecs.createSecurityGroup(
        new $Ecs.CreateSecurityGroupRequest({
          regionId: s.region,
          vpcId: vpc[n].id,
          securityGroupName: `ikev1test-${n}`,
        }),
      )
    ).body!.securityGroupId!;
    const others = names.filter((o) => o !== n).map((o) => SITES[o].cidr);
    await c.ecs.authorizeSecurityGroup(
      new $Ecs.AuthorizeSecurityGroupRequest({
        regionId: s.region,
        securityGroupId: sg,
        permissions: others.map(
          (src) =>
            new $Ecs.AuthorizeSecurityGroupRequestPermissions({
              ipProtocol: 'ICMP',
              portRange: '-1/-1',
              sourceCidrIp: src,
              policy: 'accept',
            }),
        ),
      }),
    );
    const r = await c.ecs.runInstances(
      new $Ecs.RunInstancesRequest({
        regionId: s.region,
        vSwitchId: vsw[n],
        securityGroupId: sg,
        instanceType: 'ecs.t6-c1m1.large',
        imageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
        instanceName: `ikev1test-${n}`,
      }),
    );
    instance[n] = { id: r.body!.instanceIdSets!.instanceIdSet![0]!, ip: '' };
  }
  for (const n of names) {
    const s = SITES[n];
    instance[n].ip = await until(`instance ${n} running`, async () => {
      const i = (
        await c.ecs.describeInstances(
          new $Ecs.DescribeInstancesRequest({ regionId: s.region, instanceIds: JSON.stringify([instance[n].id]) }),
        )
      ).body!.instances!.instance![0]!;
      return i.status === 'Running' ? i.vpcAttributes!.privateIpAddress!.ipAddress![0] : undefined;
    });
    await until(
      `agent ${n}`,
      async () =>
        (
          await c.ecs.describeCloudAssistantStatus(
            new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: s.region, instanceId: [instance[n].id] }),
          )
        ).body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus![0]!.cloudAssistantStatus === 'true',
    );
  }
  return { vpc, gateway, connections, cenId, instance, ...addressing, ...(transit ? { transit } : {}) };
}

/**
 * Today's CEN for the hub (Japan) and the spoke (US): a transit router in each region, each VPC
 * attached through vSwitches in two zones, associated with and propagating into its router's
 * system table, an inter-region connection that advertises routes, and the VPC routes back:
 * Japan -> the spoke's CIDR, US -> the hub's and the DC's CIDRs.
 */
async function buildTransit(
  c: Clients,
  cenId: string,
  vpc: Built['vpc'],
  options: WalkthroughOptions,
): Promise<Transit> {
  const members = ['japan', 'us'] as const;
  const router = { japan: '', us: '' };
  const routeTable = { japan: '', us: '' };
  const attachment = { japan: '', us: '' };
  for (const n of members) {
    router[n] = (
      await c.cen('CreateTransitRouter', { CenId: cenId, RegionId: SITES[n].region, Tag: TAG })
    ).TransitRouterId;
    // The VPC's vSwitch in the second zone: a dual-tunnel gateway's, or one made for the attachment.
    const inSecondZone = (
      await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: SITES[n].region, vpcId: vpc[n].id }))
    ).body!.vSwitches!.vSwitch!.find((v) => v.zoneId === SECOND[n].zone)?.vSwitchId;
    const second =
      inSecondZone ??
      (
        await c.vpc.createVSwitch(
          new $Vpc.CreateVSwitchRequest({
            regionId: SITES[n].region,
            vpcId: vpc[n].id,
            zoneId: SECOND[n].zone,
            cidrBlock: SECOND[n].vsw,
            vSwitchName: `ikev1test-${n}-2`,
          }),
        )
      ).body!.vSwitchId!;
    await until(
      `second vSwitch ${n}`,
      async () =>
        (
          await c.vpc.describeVSwitches(
            new $Vpc.DescribeVSwitchesRequest({ regionId: SITES[n].region, vSwitchId: second }),
          )
        ).body?.vSwitches?.vSwitch?.[0]?.status === 'Available',
    );
    await until(
      `router ${n}`,
      async () =>
        (await c.cen('ListTransitRouters', { CenId: cenId, TransitRouterId: router[n] })).TransitRouters[0]?.Status ===
        'Active',
    );
    routeTable[n] = (
      await c.cen('ListTransitRouterRouteTables', {
        TransitRouterId: router[n],
        TransitRouterRouteTableType: 'System',
      })
    ).TransitRouterRouteTables[0].TransitRouterRouteTableId;
    const first = (
      await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: SITES[n].region, vpcId: vpc[n].id }))
    ).body!.vSwitches!.vSwitch!.find((v) => v.zoneId === SITES[n].zone)!.vSwitchId!;
    attachment[n] = (
      await c.cen('CreateTransitRouterVpcAttachment', {
        CenId: cenId,
        TransitRouterId: router[n],
        VpcId: vpc[n].id,
        Tag: TAG,
        ZoneMappings: [
          { VSwitchId: first, ZoneId: SITES[n].zone },
          { VSwitchId: second, ZoneId: SECOND[n].zone },
        ],
      })
    ).TransitRouterAttachmentId;
    await until(
      `attachment ${n}`,
      async () =>
        (await c.cen('ListTransitRouterVpcAttachments', { TransitRouterAttachmentId: attachment[n] }))
          .TransitRouterAttachments[0]?.Status === 'Attached',
    );
    const link = { TransitRouterAttachmentId: attachment[n], TransitRouterRouteTableId: routeTable[n] };
    if (options.without !== 'association') {
      await c.cen('AssociateTransitRouterAttachmentWithRouteTable', link);
      await until(
        `association ${n}`,
        async () =>
          (await c.cen('ListTransitRouterRouteTableAssociations', link)).TransitRouterAssociations[0]?.Status ===
          'Active',
      );
    }
    if (options.without !== 'propagation') {
      await until('router free', () =>
        c.cen('EnableTransitRouterRouteTablePropagation', link).then(
          () => true,
          () => false,
        ),
      );
      await until(
        `propagation ${n}`,
        async () =>
          (await c.cen('ListTransitRouterRouteTablePropagations', link)).TransitRouterPropagations[0]?.Status ===
          'Active',
      );
    }
  }
  let peerAttachment = '';
  if (options.without !== 'peer-attachment') {
    peerAttachment = await until('routers free', () =>
      c
        .cen('CreateTransitRouterPeerAttachment', {
          CenId: cenId,
          TransitRouterId: router.japan,
          PeerTransitRouterId: router.us,
          PeerTransitRouterRegionId: SITES.us.region,
          AutoPublishRouteEnabled: true,
          Tag: TAG,
          ...(options.bandwidth ? { BandwidthType: options.bandwidth.type, Bandwidth: options.bandwidth.mbps } : {}),
        })
        .then(
          (r) => r.TransitRouterAttachmentId as string,
          () => undefined,
        ),
    );
    await until(
      'inter-region connection',
      async () =>
        (await c.cen('ListTransitRouterPeerAttachments', { TransitRouterAttachmentId: peerAttachment }))
          .TransitRouterAttachments[0]?.Status === 'Attached',
    );
  }
  const back = [
    ['japan', SITES.us.cidr],
    ['us', SITES.japan.cidr],
    ['us', SITES.hongkong.cidr],
  ] as const;
  for (const [n, destination] of back) {
    const route = {
      CenId: cenId,
      RouteTableId: vpc[n].routeTableId,
      DestinationCidrBlock: destination,
      TransitRouterAttachmentId: attachment[n],
    };
    await until('route table free', () =>
      c.cen('CreateCenChildInstanceRouteEntryToAttachment', route).then(
        () => true,
        () => false,
      ),
    );
    await until(
      `route ${destination} in ${n}`,
      async () =>
        (
          await c.cen('ListCenChildInstanceRouteEntriesToAttachment', {
            ChildInstanceRouteTableId: vpc[n].routeTableId,
            TransitRouterAttachmentId: attachment[n],
          })
        ).RouteEntry.find((e: { DestinationCidrBlock: string }) => e.DestinationCidrBlock === destination)?.Status ===
        'Available',
    );
  }
  return { router, routeTable, attachment, peerAttachment };
}

export interface PingResult {
  readonly output: string;
  readonly exitCode: number;
  readonly status: string;
}

/** ping through Cloud Assistant, as vpnbot's probe will: RunCommand, then poll the invocation. */
export async function cloudPing(
  c: Clients,
  from: { region: string; instanceId: string },
  toIp: string,
  count = 6,
): Promise<PingResult> {
  const run = await c.ecs.runCommand(
    new $Ecs.RunCommandRequest({
      regionId: from.region,
      type: 'RunShellScript',
      commandContent: `ping -c ${count} -i 1 -W 2 ${toIp}`,
      instanceId: [from.instanceId],
      timeout: 60,
    }),
  );
  return until('invocation done', async () => {
    const r = (
      await c.ecs.describeInvocationResults(
        new $Ecs.DescribeInvocationResultsRequest({ regionId: from.region, invokeId: run.body!.invokeId }),
      )
    ).body!.invocation!.invocationResults!.invocationResult![0]!;
    if (!['Success', 'Failed'].includes(r.invocationStatus!)) return undefined;
    return {
      output: Buffer.from(r.output!, 'base64').toString('utf8'),
      exitCode: r.exitCode!,
      status: r.invocationStatus!,
    };
  });
}

export function summarizePing(output: string): { avg: number; ttl: number; loss: number } {
  const avg = /rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)\//.exec(output);
  const ttl = /ttl=(\d+)/.exec(output);
  const loss = /(\d+(?:\.\d+)?)% packet loss/.exec(output);
  return { avg: avg ? Number(avg[1]) : NaN, ttl: ttl ? Number(ttl[1]) : NaN, loss: loss ? Number(loss[1]) : NaN };
}
