/**
 * A data centre's VPN device as vpnbot describes it, vendor-neutral: every vendor's file is written
 * from this one description, so they cannot disagree. It is built from what the cloud holds (each
 * connection's peer configuration, read back), never from the plan alone.
 *
 * The device has one IKE peer per cloud address: on a dual-tunnel gateway the master tunnels of
 * every connection go to its first address and the slaves to its second, so the device holds two
 * peers (master and backup), each with one child SA per CIDR pair (IKEv1 carries one pair per SA).
 */
import type { PeerConfiguration, PeerTunnel } from '../cloud/cloud-api';

/** One CIDR pair on one peer: an IPsec SA (a child SA, a proxy id, a traffic selector). */
export interface DeviceChild {
  /** Unique within the description, usable as a name on every vendor (`hub-master-1`). */
  readonly name: string;
  readonly connectionId: string;
  readonly connectionName: string;
  readonly tunnelId: string;
  /** The device's networks, and the cloud's behind this peer. */
  readonly local: readonly string[];
  readonly remote: readonly string[];
  readonly ipsec: PeerTunnel['ipsec'];
}

/** One IKE peer of the device: one of the cloud gateway's addresses. */
export interface DevicePeer {
  /** `hub-master`, `hub-backup`: letters, digits and hyphens. */
  readonly name: string;
  readonly role: 'master' | 'backup';
  readonly deviceAddress: string;
  readonly cloudAddress: string;
  /** The key for this pair of addresses (IKEv1 main mode: one per pair); MASKED_KEY when masked. */
  readonly psk: string;
  readonly ike: PeerTunnel['ike'];
  readonly dpd: boolean;
  readonly natTraversal: boolean;
  readonly children: readonly DeviceChild[];
}

export interface DeviceDescription {
  readonly topology: string;
  readonly site: string;
  /** The hub whose gateway the device dials. */
  readonly hub: string;
  readonly deviceAddress: string;
  /** ISO time of the read the description was made from. */
  readonly generatedAt: string;
  /** What it was read from, in words (the cloud, the connections and gateway). */
  readonly source: string;
  readonly keysMasked: boolean;
  /** Master first. */
  readonly peers: readonly DevicePeer[];
  /** The cloud's networks the device routes into the tunnels (the master preferred). */
  readonly routes: readonly string[];
  /** The device's own networks. */
  readonly networks: readonly string[];
}

/**
 * Dead peer detection on the device: probe every DPD_SECONDS, give the peer up after DPD_TIMEOUT.
 * UNVERIFIED: the cloud's own DPD timers are not documented (only that DPD is on or off); these are
 * the common defaults of the vendors (strongSwan's 30 s, IKEv1's 150 s), kept here for every file.
 */
export const DPD_SECONDS = 30;
export const DPD_TIMEOUT_SECONDS = 150;

/** What stands in for a key in a file for someone who may not have it. */
export const MASKED_KEY = '********';

export interface DescribeInput {
  readonly topology: string;
  readonly site: string;
  readonly hub: string;
  readonly deviceAddress: string;
  readonly generatedAt: Date;
  /** Where the configurations were read from ("Alibaba Cloud", "the sandbox emulator"). */
  readonly cloud: string;
  readonly connections: readonly PeerConfiguration[];
}

export type DescribeResult = { ok: true; description: DeviceDescription } | { ok: false; problems: string[] };

const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
const safe = (s: string) =>
  s
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24) || 'vpn';

/**
 * The description of the device at `deviceAddress`, from the connections facing it. Refused, with
 * what to do, when the cloud holds something no device can bring up: connections between the same
 * two addresses with different keys or IKE settings (main mode has one per pair of addresses).
 */
export function describeDevice(input: DescribeInput): DescribeResult {
  const problems: string[] = [];
  const byAddress = new Map<string, { tunnel: PeerTunnel; connection: PeerConfiguration }[]>();
  for (const connection of [...input.connections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    for (const tunnel of connection.tunnels) {
      if (tunnel.deviceAddress !== input.deviceAddress) continue;
      byAddress.set(tunnel.cloudAddress, [...(byAddress.get(tunnel.cloudAddress) ?? []), { tunnel, connection }]);
    }
  if (byAddress.size === 0)
    return {
      ok: false,
      problems: [
        `the cloud holds no IPsec connection to ${input.deviceAddress}: apply the topology first (its tunnels are made by the apply)`,
      ],
    };
  const peers: DevicePeer[] = [];
  // Master addresses first: the address the masters use; a single-tunnel gateway has only that one.
  const ordered = [...byAddress].sort(
    ([, a], [, b]) => Number(a[0]!.tunnel.role === 'slave') - Number(b[0]!.tunnel.role === 'slave'),
  );
  for (const [cloudAddress, tunnels] of ordered) {
    const first = tunnels[0]!.tunnel;
    const role = first.role === 'master' ? 'master' : 'backup';
    const name = `${safe(input.hub)}-${role}`;
    for (const { tunnel, connection } of tunnels.slice(1)) {
      const with_ = `${connection.name} (${connection.connectionId}) and ${tunnels[0]!.connection.name} (${tunnels[0]!.connection.connectionId})`;
      if (tunnel.psk !== first.psk)
        problems.push(
          `${with_} hold different pre-shared keys between ${input.deviceAddress} and ${cloudAddress}: IKEv1 main mode picks one key per pair of addresses, so a device can bring up only one of them; rotate the keys (/vpn rotate ${input.topology} ${input.site}) to give them one`,
        );
      if (!same(tunnel.ike, first.ike) || tunnel.dpd !== first.dpd || tunnel.natTraversal !== first.natTraversal)
        problems.push(
          `${with_} differ in their IKE settings between ${input.deviceAddress} and ${cloudAddress}: one IKE SA serves both, so they must agree`,
        );
    }
    peers.push({
      name,
      role,
      deviceAddress: input.deviceAddress,
      cloudAddress,
      psk: first.psk,
      ike: first.ike,
      dpd: first.dpd,
      natTraversal: first.natTraversal,
      children: tunnels.map(({ tunnel, connection }, i) => ({
        name: `${name}-${i + 1}`,
        connectionId: connection.connectionId,
        connectionName: connection.name,
        tunnelId: tunnel.id,
        local: connection.deviceSubnets,
        remote: connection.cloudSubnets,
        ipsec: tunnel.ipsec,
      })),
    });
  }
  if (problems.length) return { ok: false, problems: [...new Set(problems)] };
  const unique = (xs: readonly string[]) => [...new Set(xs)];
  const ids = unique(input.connections.map((c) => c.connectionId));
  const gateways = unique(input.connections.map((c) => c.gatewayId));
  return {
    ok: true,
    description: {
      topology: input.topology,
      site: input.site,
      hub: input.hub,
      deviceAddress: input.deviceAddress,
      generatedAt: input.generatedAt.toISOString(),
      source: `${input.cloud}: DownloadVpnConnectionConfig of ${ids.join(', ')} on VPN gateway ${gateways.join(', ')}`,
      keysMasked: false,
      peers,
      routes: unique(input.connections.flatMap((c) => c.cloudSubnets)),
      networks: unique(input.connections.flatMap((c) => c.deviceSubnets)),
    },
  };
}

/** The same description with every key replaced: what someone who may not have the keys receives. */
export function maskKeys(d: DeviceDescription): DeviceDescription {
  return { ...d, keysMasked: true, peers: d.peers.map((p) => ({ ...p, psk: MASKED_KEY })) };
}

/** What a file says about itself in its first lines: what, for which device, from what and when. */
export function provenance(d: DeviceDescription, what: string): string[] {
  return [
    `vpnbot: ${what} for the VPN device of ${d.site} (topology ${d.topology}) at ${d.deviceAddress}`,
    `Generated ${d.generatedAt} from what the cloud holds, ${d.source}.`,
    `${d.peers.length === 2 ? 'Two tunnels per CIDR pair: the master to' : 'One tunnel per CIDR pair, to'} ${d.peers
      .map((p) => `${p.cloudAddress} (${p.name})`)
      .join(' and the backup to ')}; the cloud sends over the master while it is up.`,
    d.keysMasked
      ? `The pre-shared keys are masked (${MASKED_KEY}): only an owner of ${d.site} receives them, in a direct message.`
      : 'It holds the pre-shared keys: keep it private (owner-only file), and delete it once the device is configured.',
  ];
}
