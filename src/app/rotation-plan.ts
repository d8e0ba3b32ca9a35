/**
 * A key rotation as a plan: one stage per pre-shared key, that is per pair of addresses and tunnel
 * role (IKEv1 main mode has one key per pair of addresses, so a key is rotated on every connection
 * between them at once). The master keys of a pair before its slave keys, one stage at a time, so
 * the other tunnel carries the traffic while a key changes, and the matrix is checked between
 * stages. Made from the plan against the cloud as it is (its connections, kept as they are) and
 * the catalogue's key names; stored with the plan record and read back through its schema.
 */
import { z } from 'zod';
import { TUNNEL_ROLES } from '../planner/step-params';
import type { DesiredStepOf, Plan, Step } from '../planner/plan';
import { secretNamesOf } from '../planner/step-catalogue';
import { readStoredJson, type Stored } from '../stored-json';
import type { Topology } from '../topology/model';

const stageSchema = z.strictObject({
  /** The key's name (step-catalogue.ts's secretName): the two sites and the role. */
  secret: z.string(),
  role: z.enum(TUNNEL_ROLES),
  sites: z.tuple([z.string(), z.string()]),
  /** The connections holding the key, each a step of the record's plan. */
  connections: z.array(
    z.strictObject({ stepId: z.string(), name: z.string(), site: z.string(), region: z.string(), cloudId: z.string() }),
  ),
  /** The other end is an on-premises device, which must take the new key itself. */
  device: z.strictObject({ site: z.string(), address: z.string() }).optional(),
});
const rotationSchema = z.strictObject({ site: z.string().optional(), stages: z.array(stageSchema) });

export type RotationStage = z.infer<typeof stageSchema>;
export type Rotation = z.infer<typeof rotationSchema>;

export function readStoredRotation(json: string): Stored<Rotation> {
  return readStoredJson(json, rotationSchema, 'rotation');
}

type Connection = DesiredStepOf<'ipsec-connection'> & Step;

/**
 * The rotation of the keys of `topology`'s tunnels (those of `site` when given) over `plan`, the
 * plan against the cloud as it is, and the plan of the connections it touches (kept as they are:
 * the run's record). A refusal when there is nothing vpnbot may rotate.
 */
export function planRotation(
  topology: Topology,
  plan: Plan,
  site?: string,
): { ok: true; rotation: Rotation; connections: Connection[] } | { ok: false; refusal: string } {
  if (site !== undefined && !topology.sites.some((s) => s.name === site))
    return {
      ok: false,
      refusal: `"${topology.name}" has no site named "${site}"; its sites: ${topology.sites.map((s) => s.name).join(', ')}`,
    };
  const connections = plan.steps.filter(
    (s): s is Connection => s.kind === 'ipsec-connection' && s.action === 'keep' && s.cloudId !== undefined,
  );
  // Adopted connections are never changed: a key they share cannot be rotated by vpnbot alone.
  const external = new Set(connections.filter((c) => c.external).flatMap((c) => secretNamesOf(c).map((n) => n.name)));
  const byKey = new Map<string, RotationStage>();
  for (const c of connections) {
    if (c.external) continue;
    const pair = [c.site ?? '', c.params.peerSite].sort() as [string, string];
    if (site !== undefined && !pair.includes(site)) continue;
    for (const { tunnel, name } of secretNamesOf(c)) {
      if (external.has(name)) continue;
      const peer = topology.sites.find((s) => s.name === c.params.peerSite);
      const stage = byKey.get(name) ?? {
        secret: name,
        role: tunnel,
        sites: pair,
        connections: [],
        ...(peer?.onPremises ? { device: { site: peer.name, address: peer.onPremises.publicIp } } : {}),
      };
      byKey.set(name, {
        ...stage,
        connections: [
          ...stage.connections,
          { stepId: c.id, name: c.params.name, site: c.site ?? '', region: c.region, cloudId: c.cloudId! },
        ],
      });
    }
  }
  const stages = [...byKey.values()].sort(
    (a, b) =>
      a.sites.join('~').localeCompare(b.sites.join('~')) || TUNNEL_ROLES.indexOf(a.role) - TUNNEL_ROLES.indexOf(b.role),
  );
  if (stages.length === 0)
    return {
      ok: false,
      refusal: connections.length
        ? `no key of "${topology.name}"${site ? ` at ${site}` : ''} is vpnbot's to rotate (those in place were adopted)`
        : `"${topology.name}" has no IPsec connection in the cloud: apply it first`,
    };
  const touched = new Set(stages.flatMap((s) => s.connections.map((c) => c.stepId)));
  return {
    ok: true,
    rotation: { ...(site !== undefined ? { site } : {}), stages },
    connections: connections.filter((c) => touched.has(c.id)),
  };
}

const roleWord = (r: 'master' | 'slave') => (r === 'master' ? 'master' : 'slave (backup)');

/** The rotation as people read it: each stage, what it changes, and what keeps traffic up meanwhile. */
export function renderRotation(topology: string, rotation: Rotation, hash: string): string {
  const lines = [`vpnbot key rotation for topology "${topology}" - hash ${hash.slice(0, 12)}`, ''];
  rotation.stages.forEach((s, i) => {
    const names = s.connections.map((c) => c.name);
    const other = s.role === 'master' ? 'slave' : 'master';
    const hasOther = rotation.stages.some((x) => x.sites.join() === s.sites.join() && x.role === other);
    lines.push(
      `  ${i + 1}. a new ${roleWord(s.role)} key between ${s.sites.join(' and ')}: ${s.connections.length} connection${s.connections.length === 1 ? '' : 's'} (${names.join(', ')})`,
      `     ${hasOther ? `traffic stays on the ${other} tunnels meanwhile` : 'no other tunnel: traffic between these sites stops while both ends take the key'}${
        s.device
          ? `; ${s.device.site}'s device must take the new key (its owners get it with /vpn config ${topology} ${s.device.site})`
          : ''
      }; then the ping matrix is checked`,
    );
  });
  lines.push(
    '',
    `Rotation: ${rotation.stages.length} key${rotation.stages.length === 1 ? '' : 's'}, one at a time; the rotation stops at the first stage whose tunnels do not come up or whose matrix is not green.`,
  );
  return lines.join('\n');
}
