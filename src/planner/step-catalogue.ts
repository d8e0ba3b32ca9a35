/**
 * Everything vpnbot knows about each kind of step, in one place: how long its resource takes and
 * how to poll it, which shared cloud objects a change to it must lock, what must be gone before it
 * can be deleted, and how to say it in a plan. A `Record` over every kind: a new kind does not
 * compile until it has all of these (and parameters in step-params.ts, a driver in cloud/alibaba/).
 */
import type { DesiredStep, DesiredStepOf, Step, StepKind } from './plan';
import { stepId } from './step-ids';
import { TUNNEL_ROLES, type StepParams, type TunnelRole } from './step-params';

export const MINUTE = 60_000;

/**
 * How to wait for a resource: after a change, the first read comes once its typical latency
 * (`expectedMs`) has passed, since a read before it is a call spent for nothing; then polls from
 * `firstPollMs`, backing off to `maxPollMs`, for at most `timeoutMs`.
 */
export interface WaitProfile {
  readonly expectedMs: number;
  readonly firstPollMs: number;
  readonly maxPollMs: number;
  readonly timeoutMs: number;
}

export interface StepKindPolicy<K extends StepKind> {
  /** What the kind is called in messages. */
  readonly noun: string;
  /** Polling and timeout while it is being created or deleted (Terraform's budgets, alibaba-api.md §5.3). */
  readonly wait: WaitProfile;
  /**
   * The create call's answer is the resource, ready (the API is synchronous for it): no describe
   * follows a create, which saves a call per resource. Resumed steps still read.
   */
  readonly readyOnCreate?: boolean;
  /**
   * The shared cloud objects a create or a delete of this kind changes, as the step ids that own
   * them: one change at a time on each (the cloud answers VpnGateway.Configuring, TaskConflict,
   * Operation.Blocking otherwise). The same keys for create and delete.
   */
  readonly locks: (site: string | null, topology: string) => readonly string[];
  /** Kinds whose resources must be gone before one of this kind can be deleted. */
  readonly deleteAfter: readonly StepKind[];
  /** The step in a plan, in a few words (not shown for deletes, which show their id). */
  readonly describe: (params: StepParams<K>, step: DesiredStepOf<K>) => string;
  /**
   * The name of a secret the resource is created with (an IPsec connection's pre-shared key, one
   * per tunnel), the same at both ends of a tunnel pair (master with master, slave with slave) so
   * that they agree; absent for kinds that take none. The one place key names are made.
   */
  readonly secretName?: (step: DesiredStepOf<K>, tunnel: TunnelRole) => string;
  /** The tunnels that take a secret (a single-tunnel resource: its master). */
  readonly secretTunnels?: (params: StepParams<K>) => readonly TunnelRole[];
  /**
   * Resources that work only once a peer does (an IPsec connection's tunnels need their mirror on
   * the peer gateway): how long negotiating may take, the step of the mirror (null when the peer is
   * outside the cloud: an on-premises device, configured, then reported, not awaited), and the
   * tunnels that must come up for the resource to be ready.
   */
  readonly peering?: {
    readonly wait: WaitProfile;
    readonly mirror: (params: StepParams<K>) => string | null;
    readonly awaits: (params: StepParams<K>) => readonly TunnelRole[];
  };
}

const quick: WaitProfile = { expectedMs: 0, firstPollMs: 500, maxPollMs: 5_000, timeoutMs: 5 * MINUTE };
const none = () => [];
const list = (v: readonly string[]) => v.join(',');

export const STEP_CATALOGUE: { readonly [K in StepKind]: StepKindPolicy<K> } = {
  vpc: {
    noun: 'VPC',
    wait: { expectedMs: 3_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: ['vswitch', 'vpn-gateway', 'security-group', 'route-entry', 'cen-attachment'],
    describe: (p) =>
      `${p.name} ${p.cidrBlock}${p.secondaryCidrBlocks.length ? ` + ${list(p.secondaryCidrBlocks)}` : ''}`,
  },
  vswitch: {
    noun: 'vSwitch',
    wait: { ...quick, expectedMs: 2_000 },
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: ['vpn-gateway', 'ecs-instance', 'cen-attachment'],
    describe: (p) => `${p.name} ${p.cidrBlock} in ${p.zoneId}`,
  },
  'vpn-gateway': {
    noun: 'VPN gateway',
    // Initialising, then provisioning: about two minutes.
    wait: { expectedMs: 2 * MINUTE, firstPollMs: 5_000, maxPollMs: 20_000, timeoutMs: 15 * MINUTE },
    locks: (site) => (site ? [stepId.vpnGateway(site)] : []),
    deleteAfter: ['ipsec-connection', 'route-entry'],
    describe: (p) => `${p.name} ${p.bandwidthMbps} Mbps, IPsec`,
  },
  'customer-gateway': {
    noun: 'customer gateway',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: ['ipsec-connection'],
    describe: (p) => `${p.name} -> ${p.peerSite} at ${p.ipAddress ?? `${p.peerSite}'s gateway IP`}`,
  },
  'ipsec-connection': {
    noun: 'IPsec connection',
    wait: { expectedMs: 15_000, firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 5 * MINUTE },
    locks: (site) => (site ? [stepId.vpnGateway(site)] : []),
    deleteAfter: [],
    describe: (p) =>
      `${p.name} ${list(p.localCidrs)} <-> ${list(p.remoteCidrs)} ${p.ikeVersion === 'ikev1' ? 'IKEv1' : 'IKEv2'}, ${
        p.tunnels === 'single'
          ? 'single tunnel'
          : p.standby
            ? '2 tunnels'
            : '2 tunnels (the peer has one address: no standby)'
      }`,
    // IKEv1 main mode picks the key by the peer's address before any identity is exchanged: every
    // connection between the same two public addresses must hold the same key. A tunnel role's
    // addresses are those of the two sites' gateways (or device) facing each other, so the key is
    // named by the pair of sites and the role (the master's name is the one single-tunnel ones had).
    secretName: (s, tunnel) => {
      const pair = [s.site ?? '', s.params.peerSite].sort().join('~');
      return tunnel === 'master' ? `psk:${pair}` : `psk:${pair}:${tunnel}`;
    },
    secretTunnels: (p) => (p.tunnels === 'dual' ? TUNNEL_ROLES : ['master']),
    peering: {
      wait: { expectedMs: 3_000, firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 5 * MINUTE },
      mirror: (p) => p.mirror,
      awaits: (p) => (p.standby ? TUNNEL_ROLES : ['master']),
    },
  },
  'route-entry': {
    noun: 'route entry',
    wait: { expectedMs: 3_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
    // The route table belongs to the site's VPC.
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: ['cen-route-publish'],
    describe: (p) => `${p.destinationCidr} -> VPN gateway`,
  },
  cen: {
    noun: 'CEN instance',
    wait: { ...quick, expectedMs: 8_000 },
    locks: (_site, topology) => [stepId.cen(topology)],
    deleteAfter: ['cen-attachment', 'cen-route-publish'],
    describe: (p) => p.name,
  },
  'cen-attachment': {
    noun: 'CEN attachment',
    wait: { expectedMs: 15_000, firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
    locks: (site, topology) => [stepId.cen(topology), ...(site ? [stepId.vpc(site)] : [])],
    deleteAfter: ['cen-route-publish'],
    describe: (_p, s) => `VPC of ${s.site} (${s.region})`,
  },
  'cen-route-publish': {
    noun: 'route published to CEN',
    wait: { expectedMs: 5_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 3 * MINUTE },
    locks: (_site, topology) => [stepId.cen(topology)],
    deleteAfter: [],
    describe: (p) => `publish ${p.destinationCidr} to CEN`,
  },
  'security-group': {
    noun: 'security group',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: ['security-group-rule', 'ecs-instance'],
    describe: (p) => p.name,
  },
  'security-group-rule': {
    noun: 'security group rule',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: [],
    describe: (p) => `allow ${p.ipProtocol} from ${p.sourceCidrIp}`,
  },
  'ecs-instance': {
    noun: 'probe instance',
    // Pending, starting, then the Cloud Assistant agent comes online: about a minute.
    wait: { expectedMs: 55_000, firstPollMs: 3_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
    locks: none,
    deleteAfter: [],
    describe: (p) => `${p.name} ${p.instanceType} in ${p.zoneId}`,
  },
};

/** Deletes wait for dependents to drain (ENIs, detaches) for this long. */
export const DELETE_DRAIN_MS = 10 * MINUTE;

/** The step in a few words, through its kind's policy. */
export function describeStep(step: DesiredStep): string {
  return policyOf(step).describe(step.params as never, step as never);
}

/** The policy of the step's kind, for reading with the step's own params (one correlated access). */
const policyOf = (s: DesiredStep) => STEP_CATALOGUE[s.kind] as unknown as StepKindPolicy<StepKind>;

/** The secrets a step's resource is created with, by tunnel, with their names; empty if its kind takes none. */
export function secretNamesOf(step: DesiredStep): { readonly tunnel: TunnelRole; readonly name: string }[] {
  const { secretName, secretTunnels } = policyOf(step);
  if (!secretName) return [];
  return (secretTunnels?.(step.params as never) ?? ['master']).map((tunnel) => ({
    tunnel,
    name: secretName(step as never, tunnel),
  }));
}

/** How a step's resource waits for its peer, if its kind has one (the mirror step, or null, and the tunnels awaited). */
export function peeringOf(
  step: DesiredStep,
): { readonly wait: WaitProfile; readonly mirror: string | null; readonly awaits: readonly TunnelRole[] } | undefined {
  const peering = policyOf(step).peering;
  return peering
    ? {
        wait: peering.wait,
        mirror: peering.mirror(step.params as never),
        awaits: peering.awaits(step.params as never),
      }
    : undefined;
}

/** Lock keys of a step (create or delete alike), namespaced by topology. */
export function lockKeysOf(step: Step, topology: string): string[] {
  return STEP_CATALOGUE[step.kind].locks(step.site, topology).map((k) => `${topology}/${k}`);
}
