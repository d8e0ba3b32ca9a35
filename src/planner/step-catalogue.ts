/**
 * Everything vpnbot knows about each kind of step, in one place: how long its resource takes and
 * how to poll it, which shared cloud objects a change to it must lock, what must be gone before it
 * can be deleted, and how to say it in a plan. A `Record` over every kind: a new kind does not
 * compile until it has all of these (and parameters in step-params.ts, a driver in cloud/alibaba/).
 */
import { describeBandwidth } from '../topology/inter-region-bandwidth';
import type { DesiredStep, DesiredStepOf, Step, StepKind } from './plan';
import { parseStepId, stepId } from './step-ids';
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
  /** Its plural, when adding an s is wrong. */
  readonly plural?: string;
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
   * Operation.Blocking otherwise). The same keys for create and delete: `step` is the step's id
   * and region, which a delete step still has (its parameters it has not).
   */
  readonly locks: (
    site: string | null,
    topology: string,
    step: { readonly id: string; readonly region: string },
  ) => readonly string[];
  /** Kinds whose resources must be gone before one of this kind can be deleted. */
  readonly deleteAfter: readonly StepKind[];
  /** The step in a plan, in a few words (not shown for deletes, which show their id). */
  readonly describe: (params: StepParams<K>, step: DesiredStepOf<K>) => string;
  /**
   * What an approver must see of a new resource of this kind because it decides who can reach what
   * (a peer's address, a route and its next hop, the CIDRs a tunnel carries, a firewall opening,
   * bandwidth between sites), under a short label shared by the kind's resources; absent for kinds
   * whose creation opens nothing. Adopted and deleted resources are shown for every kind, by id.
   */
  readonly approval?: {
    readonly label: string;
    readonly fact: (params: StepParams<K>, step: DesiredStepOf<K>) => string;
  };
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
/** Changes to a transit router's attachments and route table: one at a time per router (Operation.Blocking). */
const routerLock = (_site: string | null, _topology: string, step: { readonly region: string }) => [
  stepId.transitRouter(step.region),
];
const tableLink: WaitProfile = { expectedMs: 5_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 5 * MINUTE };
const none = () => [];
const list = (v: readonly string[]) => v.join(',');

export const STEP_CATALOGUE: { readonly [K in StepKind]: StepKindPolicy<K> } = {
  vpc: {
    noun: 'VPC',
    wait: { expectedMs: 3_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: [
      'vswitch',
      'vpn-gateway',
      'security-group',
      'route-entry',
      'cen-attachment',
      'tr-vpc-attachment',
      'tr-vpc-route',
    ],
    describe: (p) =>
      `${p.name} ${p.cidrBlock}${p.secondaryCidrBlocks.length ? ` + ${list(p.secondaryCidrBlocks)}` : ''}`,
  },
  vswitch: {
    noun: 'vSwitch',
    plural: 'vSwitches',
    wait: { ...quick, expectedMs: 2_000 },
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: ['vpn-gateway', 'ecs-instance', 'cen-attachment', 'tr-vpc-attachment'],
    describe: (p) => `${p.name} ${p.cidrBlock} in ${p.zoneId}`,
  },
  'vpn-gateway': {
    noun: 'VPN gateway',
    // Initialising, then provisioning: about two minutes.
    wait: { expectedMs: 2 * MINUTE, firstPollMs: 5_000, maxPollMs: 20_000, timeoutMs: 15 * MINUTE },
    locks: (site) => (site ? [stepId.vpnGateway(site)] : []),
    deleteAfter: ['ipsec-connection', 'route-entry'],
    describe: (p) => `${p.name} ${p.bandwidthMbps} Mbps, IPsec`,
    approval: { label: 'VPN gateway bandwidth', fact: (p) => `${p.bandwidthMbps} Mbps` },
  },
  'customer-gateway': {
    noun: 'customer gateway',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: ['ipsec-connection'],
    describe: (p) => `${p.name} -> ${p.peerSite} at ${p.ipAddress ?? `${p.peerSite}'s gateway IP`}`,
    // An on-premises peer's address is typed by a person: the one thing here an approver must check.
    approval: {
      label: 'IPsec peers',
      fact: (p) => (p.ipAddress ? `${p.ipAddress} (${p.peerSite}, on premises)` : `${p.peerSite}'s VPN gateway`),
    },
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
    approval: {
      label: 'tunnels',
      fact: (p) =>
        `${list(p.localCidrs)} <-> ${list(p.remoteCidrs)} with ${p.peerSite}${p.tunnels === 'dual' ? ' (2 tunnels)' : ''}`,
    },
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
    plural: 'route entries',
    wait: { expectedMs: 3_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
    // The route table belongs to the site's VPC.
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: ['cen-route-publish', 'tr-advertisement'],
    describe: (p) => `${p.destinationCidr} -> VPN gateway`,
    approval: { label: 'routes', fact: (p) => `${p.destinationCidr} -> this site's VPN gateway` },
  },
  cen: {
    noun: 'CEN instance',
    wait: { ...quick, expectedMs: 8_000 },
    locks: (_site, topology) => [stepId.cen(topology)],
    deleteAfter: ['cen-attachment', 'cen-route-publish', 'transit-router', 'tr-advertisement', 'tr-vpc-route'],
    describe: (p) => p.name,
  },
  'cen-attachment': {
    noun: 'CEN attachment',
    wait: { expectedMs: 15_000, firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
    locks: (site, topology) => [stepId.cen(topology), ...(site ? [stepId.vpc(site)] : [])],
    deleteAfter: ['cen-route-publish'],
    describe: (_p, s) => `VPC of ${s.site} (${s.region})`,
    approval: { label: 'joins CEN', fact: (_p, s) => `VPC in ${s.region}` },
  },
  'cen-route-publish': {
    noun: 'route published to CEN',
    plural: 'routes published to CEN',
    wait: { expectedMs: 5_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 3 * MINUTE },
    locks: (_site, topology) => [stepId.cen(topology)],
    deleteAfter: [],
    describe: (p) => `publish ${p.destinationCidr} to CEN`,
    approval: { label: 'published to CEN (every attached VPC learns it)', fact: (p) => p.destinationCidr },
  },
  'transit-router': {
    noun: 'transit router',
    wait: { ...quick, expectedMs: 10_000, timeoutMs: 10 * MINUTE },
    locks: routerLock,
    deleteAfter: ['tr-vpc-attachment', 'tr-peer-attachment', 'tr-association', 'tr-propagation'],
    describe: (p, s) => `${p.name}, Enterprise Edition, in ${s.region}`,
  },
  'tr-vpc-attachment': {
    noun: 'transit-router VPC connection',
    wait: { expectedMs: 20_000, firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
    locks: (site, topology, step) => [...routerLock(site, topology, step), ...(site ? [stepId.vpc(site)] : [])],
    deleteAfter: ['tr-association', 'tr-propagation', 'tr-vpc-route', 'tr-advertisement'],
    describe: (p, s) => `VPC of ${s.site} through vSwitches in ${p.zoneIds.join(' and ')}`,
    approval: { label: 'joins CEN', fact: (_p, s) => `VPC connected to the ${s.region} transit router` },
  },
  'tr-association': {
    noun: 'route table association',
    wait: tableLink,
    locks: routerLock,
    deleteAfter: [],
    describe: (_p, s) => `forward the connection of ${s.site} by the ${s.region} system route table`,
  },
  'tr-propagation': {
    noun: 'route propagation',
    wait: tableLink,
    locks: routerLock,
    deleteAfter: [],
    describe: (_p, s) => `learn the routes of ${s.site} into the ${s.region} system route table`,
  },
  'tr-peer-attachment': {
    noun: 'inter-region connection',
    wait: { expectedMs: 30_000, firstPollMs: 3_000, maxPollMs: 10_000, timeoutMs: 15 * MINUTE },
    // Both routers change: the regions are in the id, which a delete step has too.
    locks: (_site, _topology, step) => {
      const parsed = parseStepId(step.id);
      return parsed?.kind === 'tr-peer-attachment'
        ? parsed.regions.map((r) => stepId.transitRouter(r))
        : [stepId.transitRouter(step.region)];
    },
    deleteAfter: [],
    describe: (p, s) => `${p.name}: ${s.region} <-> ${p.peerRegionId}, ${describeBandwidth(p.bandwidth)}`,
    approval: {
      label: 'inter-region connections',
      fact: (p, s) => `${s.region} <-> ${p.peerRegionId}: ${describeBandwidth(p.bandwidth)}`,
    },
  },
  'tr-vpc-route': {
    noun: 'route to the transit router',
    plural: 'routes to the transit router',
    wait: { expectedMs: 3_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
    // The route table belongs to the site's VPC.
    locks: (site) => (site ? [stepId.vpc(site)] : []),
    deleteAfter: [],
    describe: (p) => `${p.destinationCidr} -> transit router`,
    approval: { label: 'routes', fact: (p) => `${p.destinationCidr} -> the transit router` },
  },
  'tr-advertisement': {
    noun: 'route advertised to the transit router',
    plural: 'routes advertised to the transit router',
    wait: { expectedMs: 5_000, firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 3 * MINUTE },
    locks: (_site, topology) => [stepId.cen(topology)],
    deleteAfter: [],
    describe: (p) => `advertise ${p.destinationCidr} to the transit router`,
    approval: {
      label: 'advertised to the transit router (every connected VPC learns it)',
      fact: (p) => p.destinationCidr,
    },
  },
  'security-group': {
    noun: 'security group',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: ['security-group-rule', 'security-group-rules', 'ecs-instance'],
    describe: (p) => p.name,
  },
  'security-group-rule': {
    noun: 'security group rule',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: [],
    describe: (p) => `allow ${p.ipProtocol} from ${p.sourceCidrIp}`,
    approval: { label: 'probe firewall allows', fact: (p) => `${p.ipProtocol} from ${p.sourceCidrIp}` },
  },
  'security-group-rules': {
    noun: 'set of security group rules',
    plural: 'sets of security group rules',
    wait: quick,
    readyOnCreate: true,
    locks: none,
    deleteAfter: [],
    describe: (p) => `allow ${rulesInWords(p.rules, SHOWN_RULES)}`,
    // The approver sees every opening, not a sample.
    approval: { label: 'probe firewall allows', fact: (p) => rulesInWords(p.rules, Number.POSITIVE_INFINITY) },
  },
  'ecs-instance': {
    noun: 'probe instance',
    // Pending, starting, then the Cloud Assistant agent comes online: about a minute.
    wait: { expectedMs: 55_000, firstPollMs: 3_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
    locks: none,
    deleteAfter: [],
    describe: (p) =>
      `${p.name} ${p.instanceType} in ${p.zoneId}${p.instead ? ` (${p.instead} is not in stock there: fallback chosen)` : ''}`,
  },
};

/** Rules a plan line shows before "and N more". */
const SHOWN_RULES = 3;

/** "ICMP from a, b, c and 4 more": the first `shown` rules, the others counted. */
function rulesInWords(rules: StepParams<'security-group-rules'>['rules'], shown: number): string {
  const words = rules.slice(0, shown).map((r) => `${r.ipProtocol} from ${r.sourceCidrIp}`);
  const more = rules.length - words.length;
  return more > 0 ? `${words.join(', ')} and ${more} more` : words.join(', ');
}

/** `n` resources of a kind, in words: "1 VPC", "3 route entries". */
export function countOf(kind: StepKind, n: number): string {
  const c = STEP_CATALOGUE[kind];
  return `${n} ${n === 1 ? c.noun : (c.plural ?? `${c.noun}s`)}`;
}

/** Deletes wait for dependents to drain (ENIs, detaches) for this long. */
export const DELETE_DRAIN_MS = 10 * MINUTE;

/** The step in a few words, through its kind's policy. */
export function describeStep(step: DesiredStep): string {
  return policyOf(step).describe(step.params as never, step as never);
}

/** The policy of the step's kind, for reading with the step's own params (one correlated access). */
const policyOf = (s: DesiredStep) => STEP_CATALOGUE[s.kind] as unknown as StepKindPolicy<StepKind>;

/**
 * What an approver must see of a step, under its label: a new resource whose kind opens a way in
 * (the kind's `approval`), any resource adopted or used as it exists, and any resource deleted.
 * Undefined for a step that changes nothing an approver judges (a VPC, a probe instance, a kept one).
 */
export function approvalFactOf(step: Step): { readonly label: string; readonly fact: string } | undefined {
  const noun = STEP_CATALOGUE[step.kind].noun;
  if (step.action === 'delete') return { label: 'deletes', fact: `${noun} ${step.cloudId}` };
  if (step.action === 'adopt') return { label: 'adopts (used, never changed)', fact: `${noun} ${step.cloudId}` };
  if (step.action === 'keep') {
    return step.external ? { label: 'uses as it exists', fact: `${noun} ${step.cloudId}` } : undefined;
  }
  const approval = policyOf(step).approval;
  return approval ? { label: approval.label, fact: approval.fact(step.params as never, step as never) } : undefined;
}

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
  return STEP_CATALOGUE[step.kind].locks(step.site, topology, step).map((k) => `${topology}/${k}`);
}
