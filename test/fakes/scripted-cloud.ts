/**
 * A scripted fake cloud for unit tests of the engine: one in-memory driver per kind that records
 * what it was asked, can be told to fail its next creates, and measures how many creates overlap.
 * The same paths run against the emulator through the real SDK in the end-to-end tests.
 */
import type { CloudApi, DriverTable, Observation, ResourceDriver, ResourceInput } from '../../src/cloud/cloud-api';
import type { CloudError } from '../../src/cloud/cloud-error';
import type { Pacing } from '../../src/engine/retry-policy';
import { STEP_KINDS, type DesiredStepOf, type Plan, type Step, type StepKind } from '../../src/planner/plan';
import type { StepParams, StepRefs } from '../../src/planner/step-params';
import { findRegion } from '../../src/topology/regions';

/** No waiting: sleeps return at once, jitter is fixed. */
export const instantPacing: Pacing = {
  pace: 1,
  now: () => Date.now(),
  random: () => 0.5,
  sleep: async () => undefined,
};

export class FakeDriver<K extends StepKind = StepKind> implements ResourceDriver<K> {
  readonly created: ResourceInput<K>[] = [];
  readonly live = new Map<string, ResourceInput<K>>();
  /** Errors to throw from the next create calls, in order; `applied` ones create first. */
  failCreate: { error: CloudError; applied: boolean }[] = [];
  active = 0;
  maxActive = 0;
  constructor(readonly kind: K) {}
  async create(input: ResourceInput<K>) {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setImmediate(r));
    this.active--;
    const f = this.failCreate.shift();
    const id = `${this.kind}-${this.created.length + 1}`;
    if (!f || f.applied) {
      this.created.push(input);
      this.live.set(id, input);
    }
    if (f) throw f.error;
    return id;
  }
  async read(_r: string, id: string): Promise<Observation> {
    return this.live.has(id)
      ? { state: 'ready', outputs: { id }, settled: true }
      : { state: 'gone', outputs: {}, settled: true };
  }
  async find(input: ResourceInput<K>) {
    return [...this.live.entries()].find(([, v]) => v.clientToken === input.clientToken)?.[0];
  }
  async delete(_r: string, id: string) {
    this.live.delete(id);
  }
}

export type FakeDrivers = { [K in StepKind]: FakeDriver<K> };

export function scriptedCloud(): { cloud: CloudApi; drivers: FakeDrivers } {
  const drivers = Object.fromEntries(STEP_KINDS.map((k) => [k, new FakeDriver(k)])) as unknown as FakeDrivers;
  const unscripted = async (): Promise<never> => {
    throw new Error('the scripted cloud has no Cloud Assistant: measure against the emulator');
  };
  const commands = { agentsOnline: unscripted, run: unscripted, results: unscripted, stop: unscripted };
  const cloud: CloudApi = {
    sandbox: true,
    target: 'fake',
    drivers: drivers as unknown as DriverTable,
    calls: () => 0,
    zones: async () => [],
    vpnGatewayZones: async () => [],
    cenEdition: async () => 'enterprise',
    commands,
    // A preflight that finds nothing: the scripted cloud is an account with every permission and stock.
    preflight: {
      callerIdentity: async () => ({ accountId: '1', arn: 'acs:ram::1:user/fake', identityType: 'RAMUser' }),
      billingCurrency: async () => 'USD',
      transitRouterZones: async (region) => findRegion(region)?.zones ?? [],
      instanceStock: async () => new Map([['ecs.t6-c1m1.large', true]]),
      dryRun: async () => undefined,
      vpnGatewayQuota: async () => ({ quota: 30, used: 0 }),
      site: 'international',
    },
    ipsec: {
      peerConfiguration: async () => {
        throw new Error('the scripted cloud has no peer configurations: read them from the emulator');
      },
      setTunnelKey: async () => {
        throw new Error('the scripted cloud has no keys to rotate: rotate them in the emulator');
      },
    },
  };
  return { cloud, drivers };
}

/** Parameters of each kind that satisfy its schema, for steps whose content does not matter. */
const SAMPLE_PARAMS: { [K in StepKind]: StepParams<K> } = {
  vpc: { name: 'v', cidrBlock: '10.0.0.0/8', secondaryCidrBlocks: [] },
  vswitch: { name: 's', cidrBlock: '10.0.0.0/24', zoneId: 'cn-hongkong-b' },
  'vpn-gateway': { name: 'g', bandwidthMbps: 10 },
  'customer-gateway': { name: 'c', peerSite: 'p', ipAddress: '203.0.113.1' },
  'ipsec-connection': {
    name: 'i',
    localCidrs: ['10.0.0.0/8'],
    remoteCidrs: ['192.168.0.0/16'],
    ikeVersion: 'ikev1',
    peerSite: 'p',
    mirror: null,
    tunnels: 'single',
    standby: false,
  },
  'route-entry': { destinationCidr: '192.168.0.0/16', nextHopType: 'VpnGateway', name: 'r' },
  cen: { name: 'c' },
  'cen-attachment': { childInstanceType: 'VPC', childInstanceRegionId: 'cn-hongkong' },
  'cen-route-publish': {
    destinationCidr: '192.168.0.0/16',
    childInstanceType: 'VPC',
    childInstanceRegionId: 'cn-hongkong',
  },
  'transit-router': { name: 't' },
  'tr-vpc-attachment': { name: 'a', zoneIds: ['cn-hongkong-b', 'cn-hongkong-c'] },
  'tr-association': { routeTable: 'System' },
  'tr-propagation': { routeTable: 'System' },
  'tr-peer-attachment': { name: 'p', peerRegionId: 'us-west-1', bandwidth: { type: 'test' } },
  'tr-vpc-route': { destinationCidr: '192.168.0.0/16' },
  'tr-advertisement': {
    destinationCidr: '192.168.0.0/16',
    childInstanceType: 'VPC',
    childInstanceRegionId: 'cn-hongkong',
  },
  'security-group': { name: 'sg' },
  'security-group-rule': {
    ipProtocol: 'ICMP',
    portRange: '-1/-1',
    sourceCidrIp: '10.0.0.0/8',
    policy: 'accept',
    priority: 1,
  },
  'security-group-rules': {
    rules: [{ ipProtocol: 'ICMP', portRange: '-1/-1', sourceCidrIp: '10.0.0.0/8', policy: 'accept', priority: 2 }],
  },
  'ecs-instance': { name: 'e', instanceType: 't', imageFamily: 'f', zoneId: 'cn-hongkong-b' },
};

/** A `create` step of `kind` with sample parameters; references must be given where the kind has them. */
export function fakeStep<K extends StepKind>(
  kind: K,
  id: string,
  options: { site?: string; dependsOn?: string[]; refs?: StepRefs<K>; params?: Partial<StepParams<K>> } = {},
): Step {
  const step: DesiredStepOf<K> = {
    id,
    kind,
    site: options.site ?? 'a',
    region: 'r',
    action: 'create',
    dependsOn: options.dependsOn ?? [],
    params: { ...SAMPLE_PARAMS[kind], ...options.params } as StepParams<K>,
    refs: (options.refs ?? {}) as StepRefs<K>,
  };
  return step as unknown as Step;
}

export const fakePlan = (steps: Step[]): Plan => ({
  topology: 't',
  ike: 'v1',
  hash: 'h',
  steps,
  summary: { create: steps.length, adopt: 0, keep: 0, delete: 0 },
});
