/**
 * The port through which the engine reaches a cloud: one driver per step kind, each creating,
 * reading, finding and deleting its kind of resource. Drivers know nothing of plans or DAGs; the
 * engine knows nothing of SDKs. Resources without ids of their own (CEN attachments, published
 * routes, security group rules) get composite ids the driver can read back.
 */
import type { CenEdition } from '../planner/observed';
import type { AccountSite } from './billing';
import type { CloudError } from './cloud-error';
import type { StepKind } from '../planner/plan';
import type { ObservedAttrs, StepInput, TunnelRole } from '../planner/step-params';

export interface ResourceInput<K extends StepKind = StepKind> {
  readonly region: string;
  /** The step's params with its references resolved to concrete values (ids, IPs), typed by kind. */
  readonly params: StepInput<K>;
  /** `vpnbot:topology` and `vpnbot:step`, put on every resource that takes tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Same run and step, same token: a replayed create returns the first result. */
  readonly clientToken: string;
  /**
   * For resources that take no tags: written into their description so they can be found again,
   * `vpnbot:<topology>:<step id>`. A security group's rule set gives each of its rules
   * `vpnbot:<topology>:security-group-rules:<site>` and owns exactly the rules of the group that carry
   * such a marker (security-group-rules-driver.ts); rules without it are never touched.
   */
  readonly marker: string;
  /** Pre-shared keys by tunnel, for IPsec connections only (a single-tunnel one: master). Never logged. */
  readonly psk?: Readonly<Partial<Record<TunnelRole, string>>>;
}

export type ReadState = 'pending' | 'ready' | 'failed' | 'gone';

/** One tunnel of an IPsec connection as read: its role, the cloud's id and negotiation status, and whether it is up. */
export interface TunnelObservation {
  readonly role: TunnelRole;
  readonly id: string;
  readonly status: string;
  readonly up: boolean;
}

export interface Observation {
  readonly state: ReadState;
  /** Why, when pending for long or failed (e.g. an IPsec negotiation failure). */
  readonly detail?: string;
  /** An IPsec connection's tunnels, master first (a single-tunnel connection's one is its master). */
  readonly tunnels?: readonly TunnelObservation[];
  /** Values other steps reference: `id`, `routeTableId`, `internetIp`, ... */
  readonly outputs: Readonly<Record<string, string>>;
  /**
   * For resources that change a shared object (a VPN gateway, a route table, a CEN instance):
   * whether that object has settled again, so the next change on it can go.
   */
  readonly settled: boolean;
}

/** An equivalent resource found in place, that vpnbot did not create (a tunnel already in service). */
export interface ExternalResource<K extends StepKind = StepKind> {
  readonly id: string;
  readonly attrs: ObservedAttrs<K>;
}

/**
 * One kind of resource, driven through a cloud's API. Generic over the kind: a driver reads its
 * step's parameters by their declared names (step-params.ts), so a misspelled one does not compile.
 */
export interface ResourceDriver<K extends StepKind = StepKind> {
  readonly kind: K;
  /** Starts creating; returns the new id. May throw after having created it (ambiguous). */
  create(input: ResourceInput<K>): Promise<string>;
  /** Reads a resource; `gone` when it does not exist (any more). Never changes anything. */
  read(region: string, id: string): Promise<Observation>;
  /**
   * For resources built in more than one call (a VPC's secondary CIDR blocks): makes one missing
   * change and says what it did, or answers undefined when the resource is as `input` asks. Called
   * by the engine after creation, each time the resource is ready again.
   */
  converge?(region: string, id: string, input: ResourceInput<K>): Promise<string | undefined>;
  /** Finds the resource made for this step (by tags, marker or natural key), if any. */
  find(input: ResourceInput<K>): Promise<string | undefined>;
  delete(region: string, id: string): Promise<void>;
  /**
   * Resources vpnbot did not create that stand where a step's resource would (for adopted
   * gateways, VPCs and CENs); only the kinds that can be found this way implement it.
   */
  findExternal?(input: ResourceInput<K>): Promise<ExternalResource<K> | undefined>;
  /**
   * The parameters `findExternal` reads, when they are fewer than the kind's input: the refresh may
   * then look for an equivalent before vpnbot's own resources the input names exist (a transit-router
   * connection already in service, made with other vSwitches).
   */
  readonly externalKeys?: readonly string[];
  /** Why a resource is not becoming ready (an IPsec connection's IKE log), for error messages. */
  explain?(region: string, id: string): Promise<string>;
  /** Resources of this kind carrying all of `tags`, in a region (CEN: region ignored). Taggable kinds only. */
  listTagged?(region: string, tags: Readonly<Record<string, string>>): Promise<TaggedResource[]>;
}

/** A resource found by tag search (for what the store does not know of). */
export interface TaggedResource {
  readonly kind: StepKind;
  readonly id: string;
  readonly region: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One driver per kind, each typed for its kind. */
export type DriverTable = { readonly [K in StepKind]: ResourceDriver<K> };

/** One instance's part of a Cloud Assistant invocation. */
export interface InvocationResult {
  readonly instanceId: string;
  /** Cloud Assistant's words: Pending, Running, Success, Failed, Timeout, Stopped, Aborted, ... */
  readonly status: string;
  /** True once the instance's part will not change any more. */
  readonly finished: boolean;
  readonly output: string;
  readonly exitCode: number;
  /** Bytes Cloud Assistant cut off the output (it keeps 24 KB). */
  readonly dropped: number;
  readonly errorCode: string;
  readonly errorInfo: string;
}

/** ECS Cloud Assistant: runs a shell script on instances (how the ping matrix is measured). */
export interface CommandRunner {
  /** Which of the instances have their Cloud Assistant agent online. */
  agentsOnline(region: string, instanceIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Starts the script on every instance at once; returns the invocation id. */
  run(region: string, instanceIds: readonly string[], script: string, timeoutSeconds: number): Promise<string>;
  results(region: string, invokeId: string): Promise<readonly InvocationResult[]>;
  stop(region: string, invokeId: string): Promise<void>;
}

/**
 * One tunnel of an IPsec connection as its peer device must mirror it, read back from the cloud
 * (what it holds, not what was planned). Algorithm names are the cloud's (`aes`, `sha256`,
 * `group14`); src/onprem/ names them per vendor.
 */
export interface PeerTunnel {
  readonly role: TunnelRole;
  /** The tunnel's id; a single-tunnel connection's own id. */
  readonly id: string;
  /** The device's public address (the customer gateway's) and the cloud gateway's for this tunnel. */
  readonly deviceAddress: string;
  readonly cloudAddress: string;
  readonly psk: string;
  readonly ike: {
    readonly version: string;
    readonly mode: string;
    readonly encryption: string;
    readonly integrity: string;
    readonly dhGroup: string;
    readonly lifetimeSeconds: number;
    /** The identities as the device presents and expects them. */
    readonly localId: string;
    readonly remoteId: string;
  };
  readonly ipsec: {
    readonly encryption: string;
    readonly integrity: string;
    /** `disabled`, or a DH group (`group14`). */
    readonly pfs: string;
    readonly lifetimeSeconds: number;
  };
  readonly dpd: boolean;
  readonly natTraversal: boolean;
  /** The negotiation status the cloud reports (`ipsec_sa_established`, ...), and whether that is up. */
  readonly status: string;
  readonly up: boolean;
}

/** An IPsec connection as the device at its other end must be configured: its networks and tunnels. */
export interface PeerConfiguration {
  readonly connectionId: string;
  readonly name: string;
  readonly gatewayId: string;
  /** The device's side (the connection's remote subnets) and the cloud's (its local ones). */
  readonly deviceSubnets: readonly string[];
  readonly cloudSubnets: readonly string[];
  /** Master first. */
  readonly tunnels: readonly PeerTunnel[];
}

/** The peer side of IPsec connections, and their keys: the device's configuration and key rotation. */
export interface IpsecPeerApi {
  /** What the connection's peer device must hold (DownloadVpnConnectionConfig, its tunnels' roles and state); undefined when it is gone. */
  peerConfiguration(region: string, connectionId: string): Promise<PeerConfiguration | undefined>;
  /** Gives one tunnel a new pre-shared key (that tunnel alone renegotiates). Never logged. */
  setTunnelKey(region: string, connectionId: string, tunnel: TunnelRole, psk: string): Promise<void>;
}

/**
 * An on-premises VPN device for an emulator to play: at `publicIp`, with tunnels as
 * DownloadVpnConnectionConfig describes a tunnel to the device (Local the device's address, Remote
 * the cloud's; subnets and IKE identities as the device sees them). No tunnels: unplugged.
 */
export interface PlayedDevice {
  readonly publicIp: string;
  readonly tunnels: readonly {
    readonly Local: string;
    readonly Remote: string;
    readonly LocalSubnet: string;
    readonly RemoteSubnet: string;
    readonly IkeConfig: Readonly<Record<string, string | number>>;
    readonly IpsecConfig: Readonly<Record<string, string | number>>;
  }[];
  /** Addresses behind the device that answer ping. */
  readonly hosts?: readonly string[];
}

/**
 * Breaking things on purpose, for demonstrations: only an emulator offers it (its control API).
 * Resolves with an error message when the thing to break does not exist.
 */
export interface SandboxControl {
  /** Plays a data centre's device, configured as given (right, or with a mistake on purpose). */
  playDevice(device: PlayedDevice): Promise<string | undefined>;
  withdrawPublishedRoute(
    cenId: string,
    childInstanceId: string,
    destinationCidrBlock: string,
  ): Promise<string | undefined>;
  /** Takes one tunnel of a dual-tunnel connection down (as dead peer detection would see it), or up again. */
  setTunnel(vpnConnectionId: string, tunnel: TunnelRole, up: boolean): Promise<string | undefined>;
  /** Withholds RAM actions from the account's policy, or grants them again (the preflight's demonstration). */
  setPermissions?(change: { withhold?: readonly string[]; grant?: readonly string[] }): Promise<string | undefined>;
}

/** The system disk every probe instance gets (the driver's RunInstances, the preflight's stock check). */
export const PROBE_SYSTEM_DISK = { category: 'cloud_essd', sizeGiB: 20 } as const;

/** Who the credentials belong to, as STS GetCallerIdentity answers. */
export interface CallerIdentity {
  readonly accountId: string;
  readonly arn: string;
  /** `RAMUser`, `AssumedRoleUser`, `Account` (the root account's keys). */
  readonly identityType: string;
}

/** A create as a `DryRun` asks it: a permission and parameter check that makes nothing. */
export type DryRunCreate =
  | { readonly action: 'CreateVpc'; readonly cidrBlock: string }
  | {
      readonly action: 'RunInstances';
      readonly zoneId: string;
      readonly instanceType: string;
      readonly imageFamily: string;
      readonly diskCategory: string;
    };

/**
 * What a preflight asks the cloud before an apply spends money. Each method is one call; none
 * changes anything. Refusals come back as coded `CloudError`s (a withheld permission: `fatal`).
 */
export interface PreflightApi {
  /** STS GetCallerIdentity (needs no RAM permission: it checks the credentials themselves). */
  callerIdentity(): Promise<CallerIdentity>;
  /** BSS QueryAccountBalance's currency: which site bills the account (billing.ts). */
  billingCurrency(): Promise<string>;
  /** The zones of a region where a transit router takes VPC connections (ListTransitRouterAvailableResource). */
  transitRouterZones(region: string): Promise<readonly string[]>;
  /** Instance type -> in stock, in a zone, with a system disk category (ECS DescribeAvailableResource). */
  instanceStock(region: string, zoneId: string, diskCategory: string): Promise<ReadonlyMap<string, boolean>>;
  /** A `DryRun` of a create: undefined when the cloud answers DryRunOperation, else its refusal. */
  dryRun(region: string, create: DryRunCreate): Promise<CloudError | undefined>;
  /** VPN gateways a region allows the account, and how many it holds (Quota Center GetProductQuota). */
  vpnGatewayQuota(region: string): Promise<{ readonly quota: number; readonly used: number }>;
  /** The site the account is configured as (VPNBOT_ACCOUNT_SITE): what the drivers buy with. */
  readonly site: AccountSite;
}

export interface CloudApi {
  /** True when talking to the in-process emulator (sandbox mode); every output says so. */
  readonly sandbox: boolean;
  /** Human words for where calls go, for status lines (never credentials). */
  readonly target: string;
  readonly drivers: DriverTable;
  /** Counts calls made, for benchmarks and tests. */
  readonly calls: () => number;
  /**
   * Loads now what the first call would load (the SDKs: about a second, the event loop held), for a
   * long-running front end to call before it takes requests. Optional: an adapter loaded at once has nothing to do.
   */
  readonly warmUp?: () => void;
  /** The zones of a region as the cloud offers them now (ECS DescribeZones). */
  zones(region: string): Promise<readonly string[]>;
  /** The zones of a region that sell VPN gateways of vpnbot's bandwidth (DescribeVpnGatewayAvailableZones). */
  vpnGatewayZones(region: string): Promise<readonly string[]>;
  /** The edition of a CEN: `basic` for one bought before Enterprise Edition (its transit routers are Basic). */
  cenEdition(cenId: string): Promise<CenEdition>;
  readonly commands: CommandRunner;
  readonly ipsec: IpsecPeerApi;
  readonly preflight: PreflightApi;
}
