/**
 * The port through which the engine reaches a cloud: one driver per step kind, each creating,
 * reading, finding and deleting its kind of resource. Drivers know nothing of plans or DAGs; the
 * engine knows nothing of SDKs. Resources without ids of their own (CEN attachments, published
 * routes, security group rules) get composite ids the driver can read back.
 */
import type { ParamValue, StepKind } from '../planner/plan';

export interface ResourceInput {
  readonly region: string;
  /** Step params with references resolved to concrete values (ids, IPs). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** `vpnbot:topology` and `vpnbot:step`, put on every resource that takes tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Same run and step, same token: a replayed create returns the first result. */
  readonly clientToken: string;
  /** For resources that take no tags: written into their description so they can be found again. */
  readonly marker: string;
  /** Pre-shared key, for IPsec connections only. Never logged. */
  readonly psk?: string;
}

export type ReadState = 'pending' | 'ready' | 'failed' | 'gone';

export interface Observation {
  readonly state: ReadState;
  /** Why, when pending for long or failed (e.g. an IPsec negotiation failure). */
  readonly detail?: string;
  /** Values other steps reference: `id`, `routeTableId`, `internetIp`, ... */
  readonly outputs: Readonly<Record<string, string>>;
  /**
   * For resources that change a shared object (a VPN gateway, a route table, a CEN instance):
   * whether that object has settled again, so the next change on it can go.
   */
  readonly settled: boolean;
}

/** An equivalent resource found in place, that vpnbot did not create (a tunnel already in service). */
export interface ExternalResource {
  readonly id: string;
  readonly attrs: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface ResourceDriver {
  readonly kind: StepKind;
  /** Starts creating; returns the new id. May throw after having created it (ambiguous). */
  create(input: ResourceInput): Promise<string>;
  /** Reads a resource; `gone` when it does not exist (any more). */
  read(region: string, id: string, input?: ResourceInput): Promise<Observation>;
  /** Finds the resource made for this step (by tags, marker or natural key), if any. */
  find(input: ResourceInput): Promise<string | undefined>;
  delete(region: string, id: string): Promise<void>;
  /**
   * Resources vpnbot did not create that stand where a step's resource would (for adopted
   * gateways, VPCs and CENs); only the kinds that can be found this way implement it.
   */
  findExternal?(input: ResourceInput): Promise<ExternalResource | undefined>;
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

export interface CloudApi {
  /** True when talking to the in-process emulator (sandbox mode); every output says so. */
  readonly sandbox: boolean;
  /** Human words for where calls go, for status lines (never credentials). */
  readonly target: string;
  readonly drivers: Readonly<Record<StepKind, ResourceDriver>>;
  /** Counts calls made, for benchmarks and tests. */
  readonly calls: () => number;
  /** The zones of a region as the cloud offers them now (ECS DescribeZones). */
  zones(region: string): Promise<readonly string[]>;
}
