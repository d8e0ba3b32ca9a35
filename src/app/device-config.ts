/**
 * `/vpn config` and `vpnbot config`: the configuration of an on-premises site's device for a vendor,
 * made from what the cloud holds now (each connection's peer configuration, read back), with its
 * pre-shared keys only for who may have them and masked for everyone else. Every delivery is
 * audited, with or without keys; the keys themselves never are.
 */
import { UnsupportedAlgorithm } from '../onprem/vendor-names';
import { describeDevice, maskKeys, type DeviceDescription } from '../onprem/device-description';
import { VENDOR_LIST, vendorOf, type Vendor } from '../onprem/vendors';
import { desiredSteps } from '../planner/desired-steps';
import type { PeerConfiguration } from '../cloud/cloud-api';
import type { Site, Topology } from '../topology/model';
import type { AppServices } from './app-services';
import type { GroupMembers } from './approval-policy';
import { mayReceiveKeys } from './site-owners';

export type ConfigRequest = {
  readonly topology: string;
  readonly site: string;
  /** A vendor as people type it; the neutral table when absent. */
  readonly vendor?: string;
  readonly actor: string;
  /** Where the file goes, for the audit log: `slack direct message`, a file path, `stdout`. */
  readonly to: string;
  readonly now: Date;
} & (
  | /** Slack: keys for the site's owners (user ids, or members of its user groups), masked for the rest. */
  { readonly keys: 'owners'; readonly members?: GroupMembers }
  /** The command line and the console write an owner-only file, for whoever holds the database. */
  | { readonly keys: 'always' | 'never' }
);

export type ConfigResult =
  | {
      readonly ok: true;
      readonly vendor: Vendor;
      readonly fileName: string;
      readonly text: string;
      readonly withKeys: boolean;
      /** Why the keys are masked, when they are. */
      readonly masked?: string;
      readonly site: Site;
      readonly description: DeviceDescription;
    }
  | { readonly ok: false; readonly refusal: string };

/** The site's connections as the cloud holds them now (those vpnbot recorded for the topology). */
async function connectionsOf(s: AppServices, topology: Topology, site: Site): Promise<PeerConfiguration[]> {
  const ids = new Set(
    desiredSteps(topology)
      .filter((x) => x.kind === 'ipsec-connection' && x.params.peerSite === site.name)
      .map((x) => x.id),
  );
  const records = s.store.resources(topology.name).filter((r) => ids.has(r.stepId));
  const read = await Promise.all(records.map((r) => s.cloud.ipsec.peerConfiguration(r.region, r.cloudId)));
  return read.filter((c): c is PeerConfiguration => c !== undefined);
}

export async function deviceConfiguration(s: AppServices, request: ConfigRequest): Promise<ConfigResult> {
  const topology = s.store.topology(request.topology);
  if (!topology) {
    const known = s.store.topologies().map((t) => t.name);
    return {
      ok: false,
      refusal: `no topology named "${request.topology}"${known.length ? `; known: ${known.join(', ')}` : ': nothing has been applied yet'}`,
    };
  }
  const site = topology.sites.find((x) => x.name === request.site);
  const onPremises = topology.sites.filter((x) => x.onPremises).map((x) => x.name);
  if (!site?.onPremises)
    return {
      ok: false,
      refusal: `${site ? `"${site.name}" is in the cloud: vpnbot configures both ends of its tunnels itself` : `"${topology.name}" has no site named "${request.site}"`}; ${onPremises.length ? `its on-premises sites: ${onPremises.join(', ')}` : 'it has no on-premises site'}`,
    };
  const vendor = vendorOf(request.vendor ?? 'table');
  if (!vendor)
    return { ok: false, refusal: `vpnbot writes no configuration for "${request.vendor}"; it writes ${VENDOR_LIST}` };
  const described = describeDevice({
    topology: topology.name,
    site: site.name,
    hub: site.hub ?? '',
    deviceAddress: site.onPremises.publicIp,
    generatedAt: request.now,
    cloud: s.sandbox ? 'the sandbox (an in-process Alibaba Cloud emulator)' : s.cloud.target,
    connections: await connectionsOf(s, topology, site),
  });
  if (!described.ok) return { ok: false, refusal: described.problems.join('; ') };
  let masked: string | undefined;
  if (request.keys === 'never') masked = 'the keys go only into an owner-only file';
  if (request.keys === 'owners') {
    const allowed = await mayReceiveKeys(site, request.actor, request.members);
    if (!allowed.ok) masked = allowed.reason;
  }
  const description = masked === undefined ? described.description : maskKeys(described.description);
  let text: string;
  try {
    text = vendor.render(description);
  } catch (e) {
    if (e instanceof UnsupportedAlgorithm)
      return {
        ok: false,
        refusal: `${e.message}: the neutral table (vendor "table") has every value as the cloud holds it`,
      };
    throw e;
  }
  const fileName = vendor.fileName(description);
  s.store.audit(
    request.actor,
    masked === undefined ? 'config.delivered-with-keys' : 'config.delivered-masked',
    topology.name,
    {
      site: site.name,
      vendor: vendor.id,
      to: request.to,
      file: fileName,
      connections: described.description.peers[0]?.children.map((c) => c.connectionId) ?? [],
    },
    request.now.getTime(),
  );
  return {
    ok: true,
    vendor,
    fileName,
    text,
    withKeys: masked === undefined,
    ...(masked !== undefined ? { masked } : {}),
    site,
    description,
  };
}
