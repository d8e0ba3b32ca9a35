/**
 * The emulator's resources and the bookkeeping every action shares: ids, lifecycles, deletions,
 * client tokens. Plain data; the actions in *-actions.ts give it the API's behaviour.
 */
import { randomBytes } from 'node:crypto';
import { doneAt, statusAt, type EmulatorClock, type Phases } from './emulator-clock';
import { TransitRouterState } from './transit-router-state';

/** Real-world latencies in milliseconds, before the time scale. Orders of magnitude from Terraform's budgets and experience. */
export const LATENCY = {
  vpcCreate: 3_000,
  vpcDelete: 3_000,
  vswitchCreate: 2_000,
  vswitchDelete: 2_000,
  routeEntryCreate: 3_000,
  routeEntryDelete: 3_000,
  vpnGatewayInit: 20_000,
  vpnGatewayProvision: 100_000,
  vpnGatewayDelete: 30_000,
  vpnGatewayUpdate: 15_000,
  vpnConnectionCreate: 15_000,
  ipsecNegotiation: 3_000,
  cenCreate: 8_000,
  cenDelete: 5_000,
  cenAttach: 15_000,
  cenDetach: 10_000,
  cenPublish: 5_000,
  cenWithdraw: 5_000,
  transitRouterCreate: 10_000,
  transitRouterDelete: 10_000,
  trAttach: 20_000,
  trDetach: 15_000,
  trAssociate: 5_000,
  trPropagate: 5_000,
  trPeerAttach: 30_000,
  trRouteEntry: 3_000,
  ecsPending: 5_000,
  ecsStarting: 20_000,
  ecsAgentOnline: 30_000,
  ecsStopping: 10_000,
  ecsDelete: 10_000,
  commandDelivery: 1_000,
} as const;

export type Tags = Record<string, string>;

interface Lifecycle {
  createdAt: number;
  phases: Phases;
  /** Set when a delete was accepted; the resource is gone once the clock passes it. */
  deletingUntil?: number;
}

export interface VpcR extends Lifecycle {
  id: string;
  regionId: string;
  cidrBlock: string;
  secondaryCidrBlocks: string[];
  name: string;
  description: string;
  routeTableId: string;
  vRouterId: string;
  busyUntil: number;
  tags: Tags;
}
export interface VSwitchR extends Lifecycle {
  id: string;
  vpcId: string;
  regionId: string;
  zoneId: string;
  cidrBlock: string;
  name: string;
  tags: Tags;
  description?: string;
}
export interface RouteEntryR extends Lifecycle {
  id: string;
  routeTableId: string;
  vpcId: string;
  regionId: string;
  destinationCidrBlock: string;
  nextHopType: string;
  nextHopId: string;
  name: string;
  description: string;
}
export interface VpnGatewayR extends Lifecycle {
  id: string;
  vpcId: string;
  vswitchId: string;
  regionId: string;
  name: string;
  internetIp: string;
  bandwidth: number;
  chargeType: string;
  busyUntil: number;
  tags: Tags;
  description?: string;
  /**
   * Today's gateways are dual-tunnel: a second vSwitch and a second public IP, and only two-tunnel
   * connections (vpc/vpn-capabilities.ts). Absent in older snapshots: single-tunnel, as bought then.
   */
  tunnelMode?: 'dual' | 'single';
  drVswitchId?: string;
  drInternetIp?: string;
  /** `FinancialLocked` when the account is overdue (set through the control API); absent: Normal. */
  businessStatus?: 'Normal' | 'FinancialLocked';
}
export interface CustomerGatewayR {
  id: string;
  regionId: string;
  ipAddress: string;
  name: string;
  description: string;
  createdAt: number;
  tags: Tags;
}
export interface IkeConfig {
  Psk: string;
  IkeVersion: string;
  IkeMode: string;
  IkeEncAlg: string;
  IkeAuthAlg: string;
  IkePfs: string;
  IkeLifetime: number;
  LocalId: string;
  RemoteId: string;
}
export interface IpsecConfig {
  IpsecEncAlg: string;
  IpsecAuthAlg: string;
  IpsecPfs: string;
  IpsecLifetime: number;
}
/** One tunnel of a dual-tunnel connection: its own customer gateway, IKE and IPsec settings. */
export interface TunnelR {
  id: string;
  role: 'master' | 'slave';
  customerGatewayId: string;
  ike: IkeConfig;
  ipsec: IpsecConfig;
  enableDpd: boolean;
  enableNatTraversal: boolean;
  /** Taken down through the control API (one tunnel of the pair). */
  forcedDown: boolean;
  /** A change to this tunnel alone (a new key) renegotiates it, and only it, until then. */
  updatingUntil?: number;
}
export interface VpnConnectionR extends Lifecycle {
  id: string;
  regionId: string;
  vpnGatewayId: string;
  /** Single-tunnel connections; '' for a dual-tunnel one (each tunnel names its own). */
  customerGatewayId: string;
  name: string;
  localSubnet: string[];
  remoteSubnet: string[];
  /** Single-tunnel connections; absent on a dual-tunnel one (each tunnel has its own). */
  ike?: IkeConfig;
  ipsec?: IpsecConfig;
  /** Dual-tunnel connections: master and slave; absent on a single-tunnel one. */
  tunnels?: TunnelR[];
  effectImmediately: boolean;
  tags: Tags /** Taken down through the control API to imitate drift. */;
  forcedDown: boolean;
  /** First packet that tried to use the tunnel; starts negotiation when neither side negotiates immediately. */
  trafficSeenAt?: number;
  /** AutoConfigRoute: the gateway's policy-based routes for its selectors were added with it (absent in older snapshots: true). */
  autoConfigRoute?: boolean;
}
/**
 * One IPsec tunnel an on-premises device holds, as DownloadVpnConnectionConfig describes a tunnel to
 * the device: Local is the device's address, Remote the cloud's, the subnets and IKE identities seen
 * from the device.
 */
export interface DeviceTunnelR {
  Local: string;
  Remote: string;
  LocalSubnet: string[];
  RemoteSubnet: string[];
  IkeConfig: IkeConfig;
  IpsecConfig: IpsecConfig;
}
/**
 * An on-premises VPN device at a public address, played through the control API (a test or the demo
 * configures it, right or with a mistake): not a cloud resource, so no API action sees it; the
 * cloud's tunnels negotiate with it as with a gateway.
 */
export interface DeviceR {
  publicIp: string;
  tunnels: DeviceTunnelR[];
  /** Addresses behind the device that answer ping (its inside address, a host). */
  hosts: string[];
  configuredAt: number;
}
/**
 * A route of a VPN gateway: policy-based (source and destination) or destination-based. Traffic
 * crosses the gateway only through one of them, to the connection named as next hop.
 */
export interface VpnRouteR extends Lifecycle {
  id: string;
  kind: 'pbr' | 'dbr';
  vpnGatewayId: string;
  regionId: string;
  routeSource: string;
  routeDest: string;
  nextHop: string;
  weight: number;
  priority: number;
  published: boolean;
  description: string;
  /** Added by CreateVpnConnection with AutoConfigRoute (removed with its connection). */
  auto: boolean;
}
export interface CenR extends Lifecycle {
  id: string;
  name: string;
  description: string;
  protectionLevel: string;
  busyUntil: number;
  tags: Tags;
  /**
   * `Enterprise` for every CEN created today (VPCs join through transit routers); `Basic` for one
   * bought before (AttachCenChildInstance); absent in snapshots from before the distinction: Basic.
   */
  edition?: 'Basic' | 'Enterprise';
}
export interface CenAttachmentR extends Lifecycle {
  cenId: string;
  childInstanceId: string;
  childInstanceType: string;
  childInstanceRegionId: string;
}
export interface CenPublishR extends Lifecycle {
  cenId: string;
  childInstanceId: string;
  childInstanceRegionId: string;
  childInstanceType: string;
  routeTableId: string;
  destinationCidrBlock: string;
}
export interface RuleR {
  id: string;
  ipProtocol: string;
  portRange: string;
  sourceCidrIp: string;
  policy: string;
  priority: number;
  description: string;
  createdAt: number;
}
export interface SecurityGroupR {
  id: string;
  regionId: string;
  vpcId: string;
  name: string;
  description: string;
  createdAt: number;
  rules: RuleR[];
  tags: Tags;
  deletingUntil?: number;
}
export interface InstanceR extends Lifecycle {
  id: string;
  regionId: string;
  zoneId: string;
  vswitchId: string;
  vpcId: string;
  securityGroupIds: string[];
  privateIp: string;
  name: string;
  instanceType: string;
  imageId: string;
  agentOnlineAt: number;
  tags: Tags;
  /** Set by StopInstance/StartInstance: the power transitions after the instance first ran. */
  power?: Phases;
  /** Tags of the instance's system disk. */
  diskTags?: Tags;
}
export interface InvocationResultR {
  instanceId: string;
  startAt: number;
  finishAt: number;
  output: string /** Bytes cut off the output (absent in older snapshots). */;
  dropped?: number;
  exitCode: number;
  finalStatus: string;
  errorCode: string;
  errorInfo: string;
}
export interface InvocationR {
  id: string;
  commandId: string;
  regionId: string;
  type: string;
  content: string;
  createdAt: number;
  results: InvocationResultR[];
  /** Seconds (absent in older snapshots: 60). */
  timeout?: number;
  /** RunCommand's Name and WorkingDir (absent in older snapshots: '' and /root). */
  name?: string;
  workingDir?: string;
}

export class World {
  readonly vpcs = new Map<string, VpcR>();
  readonly vswitches = new Map<string, VSwitchR>();
  readonly routeEntries = new Map<string, RouteEntryR>();
  readonly vpnGateways = new Map<string, VpnGatewayR>();
  readonly customerGateways = new Map<string, CustomerGatewayR>();
  readonly vpnConnections = new Map<string, VpnConnectionR>();
  readonly vpnRoutes = new Map<string, VpnRouteR>();
  readonly cens = new Map<string, CenR>();
  readonly cenAttachments: CenAttachmentR[] = [];
  readonly cenPublished: CenPublishR[] = [];
  readonly securityGroups = new Map<string, SecurityGroupR>();
  readonly instances = new Map<string, InstanceR>();
  readonly invocations = new Map<string, InvocationR>();
  /** CEN Enterprise Edition: transit routers, their attachments, route tables and routes. */
  readonly tr = new TransitRouterState();
  /** On-premises devices by public address (control API only). */
  readonly devices = new Map<string, DeviceR>();
  /** `${action}:${clientToken}` -> the parameters' fingerprint and the first answer. */
  readonly clientTokens = new Map<string, { fingerprint: string; response: Record<string, unknown> }>();

  constructor(
    readonly clock: EmulatorClock,
    /** Uniform in [0, 1); injectable so tests can make jitter and addresses reproducible. */
    readonly random: () => number = Math.random,
  ) {}

  newId(prefix: string): string {
    return `${prefix}-${randomBytes(12)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .padEnd(16, '0')
      .slice(0, 20)}`;
  }

  now(): number {
    return this.clock.now();
  }

  /** Phases relative to now, each real duration scaled. */
  phases(steps: readonly [string, number][], final: string): Phases {
    let t = this.now();
    return {
      steps: steps.map(([status, ms]) => {
        t += this.clock.delay(ms);
        return { status, until: t };
      }),
      final,
    };
  }

  status(r: Lifecycle, deletingStatus: string): string {
    return r.deletingUntil !== undefined ? deletingStatus : statusAt(r.phases, this.now());
  }

  isReady(r: Lifecycle): boolean {
    return r.deletingUntil === undefined && this.now() >= doneAt(r.phases);
  }

  markDeleting(r: { deletingUntil?: number }, realMs: number): void {
    r.deletingUntil = this.now() + this.clock.delay(realMs);
  }

  /** Drops resources whose deletion has completed. Called before every request. */
  reap(): void {
    const now = this.now();
    const gone = (r: { deletingUntil?: number }) => r.deletingUntil !== undefined && r.deletingUntil <= now;
    for (const map of [
      this.vpcs,
      this.vswitches,
      this.routeEntries,
      this.vpnGateways,
      this.vpnConnections,
      this.vpnRoutes,
      this.cens,
      this.securityGroups,
      this.instances,
    ] as Map<string, { deletingUntil?: number }>[]) {
      for (const [id, r] of map) if (gone(r)) map.delete(id);
    }
    for (const list of [this.cenAttachments, this.cenPublished] as { deletingUntil?: number }[][]) {
      for (let i = list.length - 1; i >= 0; i--) if (gone(list[i]!)) list.splice(i, 1);
    }
    this.tr.reap(now);
  }

  /** Plain data for a snapshot file (the sandbox keeps its cloud across restarts). */
  snapshot(): Record<string, unknown> {
    const maps = {
      vpcs: this.vpcs,
      vswitches: this.vswitches,
      routeEntries: this.routeEntries,
      vpnGateways: this.vpnGateways,
      customerGateways: this.customerGateways,
      vpnConnections: this.vpnConnections,
      vpnRoutes: this.vpnRoutes,
      cens: this.cens,
      securityGroups: this.securityGroups,
      instances: this.instances,
      invocations: this.invocations,
      clientTokens: this.clientTokens,
      devices: this.devices,
    };
    return {
      version: 1,
      ...Object.fromEntries(Object.entries(maps).map(([k, m]) => [k, [...(m as Map<string, unknown>).entries()]])),
      cenAttachments: this.cenAttachments,
      cenPublished: this.cenPublished,
      transitRouters: this.tr.snapshot(),
    };
  }

  restore(data: Record<string, unknown>): void {
    this.reset();
    if (data.version !== 1) throw new Error('unknown emulator snapshot version');
    const maps: Record<string, Map<string, unknown>> = {
      vpcs: this.vpcs,
      vswitches: this.vswitches,
      routeEntries: this.routeEntries,
      vpnGateways: this.vpnGateways,
      customerGateways: this.customerGateways,
      vpnConnections: this.vpnConnections,
      vpnRoutes: this.vpnRoutes,
      cens: this.cens,
      securityGroups: this.securityGroups,
      instances: this.instances,
      invocations: this.invocations,
      clientTokens: this.clientTokens,
      devices: this.devices,
    };
    for (const [k, m] of Object.entries(maps))
      for (const [id, v] of (data[k] as [string, unknown][]) ?? []) m.set(id, v);
    this.cenAttachments.push(...((data.cenAttachments as CenAttachmentR[]) ?? []));
    // Snapshots from before gateway routes were modelled: their connections were routed as if by AutoConfigRoute.
    if (data.vpnRoutes === undefined) {
      for (const c of this.vpnConnections.values()) {
        for (const source of c.localSubnet)
          for (const dest of c.remoteSubnet) {
            const id = this.newId('vpnroute');
            this.vpnRoutes.set(id, {
              id,
              kind: 'pbr',
              vpnGatewayId: c.vpnGatewayId,
              regionId: c.regionId,
              routeSource: source,
              routeDest: dest,
              nextHop: c.id,
              weight: 100,
              priority: 10,
              published: false,
              description: '',
              auto: true,
              createdAt: c.createdAt,
              phases: { steps: [], final: 'normal' },
            });
          }
      }
    }
    this.cenPublished.push(...((data.cenPublished as CenPublishR[]) ?? []));
    this.tr.restore(data.transitRouters as Record<string, unknown> | undefined);
    // Snapshots from before transit routers: their CENs are Basic, with a Basic router where they attach.
    for (const a of this.cenAttachments)
      if ((this.cens.get(a.cenId)?.edition ?? 'Basic') === 'Basic')
        this.tr.holdBasic(a.cenId, a.childInstanceRegionId, a.createdAt, () => this.newId('tr'));
  }

  reset(): void {
    for (const m of [
      this.vpcs,
      this.vswitches,
      this.routeEntries,
      this.vpnGateways,
      this.customerGateways,
      this.vpnConnections,
      this.vpnRoutes,
      this.cens,
      this.securityGroups,
      this.instances,
      this.invocations,
      this.clientTokens,
      this.devices,
    ])
      m.clear();
    this.cenAttachments.length = 0;
    this.cenPublished.length = 0;
    this.tr.reset();
  }
}

export function matchesTags(resource: Tags, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => resource[k] === v || (v === '' && k in resource));
}

export const tagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
