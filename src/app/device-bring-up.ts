/**
 * The bring-up that waits for a data centre's device. When an apply has done the cloud side of an
 * on-premises site and its tunnels are not up, the run ends "waiting for <site>'s device" (not
 * failed) and a wait is opened: a checklist of every tunnel to the device. Front ends check the
 * open waits on a schedule: each tunnel is ticked when it comes up; one still down past the
 * configured time gets a diagnosis from what the cloud reports (posted again only when it
 * changes); when all of a site's tunnels are up the wait ends and the ping matrix is measured (the
 * baseline the apply left for then). Values only: front ends render them.
 */
import type { RunThread } from '../engine/engine-store';
import { desiredSteps } from '../planner/desired-steps';
import type { Site, Topology } from '../topology/model';
import type { AppServices } from './app-services';
import type { DeviceWait, TunnelCheck } from './app-store';
import { measureTopology, type MeasureResult } from './ping-use-cases';
import { ownerWords } from './site-owners';
import { diagnose, type Diagnosis } from './tunnel-diagnosis';

/** How long a tunnel may stay down before it is diagnosed, when nothing is configured. */
export const DEFAULT_DIAGNOSIS_AFTER_MS = 10 * 60_000;

/** The connections to a site's device, as vpnbot recorded them: step, cloud id, region. */
function connectionsTo(s: AppServices, topology: Topology, site: Site) {
  const steps = desiredSteps(topology).filter((x) => x.kind === 'ipsec-connection' && x.params.peerSite === site.name);
  const records = new Map(s.store.resources(topology.name).map((r) => [r.stepId, r]));
  return steps.flatMap((x) => {
    const r = records.get(x.id);
    return r && x.kind === 'ipsec-connection'
      ? [{ stepId: x.id, name: x.params.name, region: r.region, id: r.cloudId, gatewaySite: x.site ?? '' }]
      : [];
  });
}

/** Every tunnel to the device as the cloud has it now, in the checklist's order (by connection, master first). */
async function readTunnels(
  s: AppServices,
  topology: Topology,
  site: Site,
  before: readonly TunnelCheck[],
  now: number,
): Promise<TunnelCheck[]> {
  const gateways = new Map(
    s.store
      .resources(topology.name)
      .filter((r) => r.kind === 'vpn-gateway' && r.site !== null)
      .map((r) => [r.site!, r.outputs]),
  );
  const out: TunnelCheck[] = [];
  for (const c of connectionsTo(s, topology, site)) {
    const o = await s.cloud.drivers['ipsec-connection'].read(c.region, c.id);
    if (o.state === 'gone') continue;
    const outputs = gateways.get(c.gatewaySite) ?? {};
    for (const t of o.tunnels ?? []) {
      const prior = before.find((b) => b.connectionId === c.id && b.role === t.role);
      const upAt = t.up ? (prior?.upAt ?? now) : undefined;
      out.push({
        connectionId: c.id,
        connection: c.name,
        role: t.role,
        tunnelId: t.id,
        cloudAddress:
          (t.role === 'slave' ? outputs.disasterRecoveryIp : outputs.internetIp) || outputs.internetIp || '',
        status: t.status,
        up: t.up,
        ...(upAt !== undefined ? { upAt } : {}),
        // A diagnosis stands while the tunnel stays down; it comes up: forgotten.
        ...(!t.up && prior?.diagnosis !== undefined
          ? { diagnosis: prior.diagnosis, diagnosedAt: prior.diagnosedAt ?? now }
          : {}),
      });
    }
  }
  return out;
}

const onPremisesSites = (t: Topology) => t.sites.filter((x) => x.onPremises !== undefined);

/**
 * After an apply that succeeded: the on-premises sites whose tunnels are not all up, each with a
 * wait opened (replacing an older one). None when every device already answers.
 */
export async function openDeviceWaits(
  s: AppServices,
  topologyName: string,
  from: { runId: string; thread?: RunThread; now: number },
): Promise<DeviceWait[]> {
  const topology = s.store.topology(topologyName);
  if (!topology) return [];
  const opened: DeviceWait[] = [];
  for (const site of onPremisesSites(topology)) {
    const tunnels = await readTunnels(s, topology, site, [], from.now);
    if (tunnels.length === 0 || tunnels.every((t) => t.up)) continue;
    const wait: DeviceWait = {
      topology: topology.name,
      site: site.name,
      deviceAddress: site.onPremises!.publicIp,
      runId: from.runId,
      ...(from.thread ? { thread: from.thread } : {}),
      startedAt: from.now,
      tunnels,
    };
    s.store.saveDeviceWait(wait);
    s.store.audit('vpnbot', 'device.waiting', topology.name, { site: site.name, runId: from.runId }, from.now);
    opened.push(wait);
  }
  return opened;
}

/** Where a front end posted the checklist, to edit it as tunnels come up. */
export function recordChecklist(s: AppServices, wait: DeviceWait, checklist: RunThread): DeviceWait {
  const updated = { ...wait, checklist };
  s.store.saveDeviceWait(updated);
  return updated;
}

export interface DeviceWaitUpdate {
  readonly wait: DeviceWait;
  /** Tunnels up since the last check. */
  readonly ticked: readonly TunnelCheck[];
  /** Tunnels down past the diagnosis time whose diagnosis is new or changed. */
  readonly diagnoses: readonly { readonly tunnel: TunnelCheck; readonly diagnosis: Diagnosis }[];
  /** Every tunnel of the site is up: the wait is over. */
  readonly complete: boolean;
  /**
   * When complete and no other wait of the topology is open: the matrix measured now (the
   * topology's baseline), or why not; a fault while measuring, in words.
   */
  readonly matrix?: MeasureResult;
  readonly matrixError?: string;
}

/**
 * Checks every open wait (or a topology's) against the cloud now. Returns only the waits something
 * happened to (a tunnel came up, a diagnosis is new, the wait ended).
 */
export async function checkDeviceWaits(
  s: AppServices,
  options: { now: number; diagnoseAfterMs: number; topology?: string },
): Promise<DeviceWaitUpdate[]> {
  const updates: DeviceWaitUpdate[] = [];
  for (const wait of s.store.openDeviceWaits(options.topology)) {
    const topology = s.store.topology(wait.topology);
    const site = topology?.sites.find((x) => x.name === wait.site);
    if (!topology || !site?.onPremises) {
      // The site is gone from the topology: nothing to wait for.
      s.store.saveDeviceWait({ ...wait, finishedAt: options.now });
      continue;
    }
    const tunnels = await readTunnels(s, topology, site, wait.tunnels, options.now);
    if (tunnels.length === 0) {
      // Its connections are gone (a destroy): nothing is left to wait for.
      s.store.saveDeviceWait({ ...wait, finishedAt: options.now });
      continue;
    }
    const ticked = tunnels.filter((t) => t.up && !wait.tunnels.some((b) => b.tunnelId === t.tunnelId && b.up));
    const diagnoses: { tunnel: TunnelCheck; diagnosis: Diagnosis }[] = [];
    const overdue = options.now - wait.startedAt >= options.diagnoseAfterMs;
    const checked: TunnelCheck[] = [];
    // The cloud's IKE log of each connection, read once per check (it names both tunnels).
    const regions = new Map(s.store.resources(topology.name).map((r) => [r.cloudId, r.region]));
    const logs = new Map<string, Promise<string>>();
    const logOf = (id: string) => {
      let p = logs.get(id);
      if (!p) {
        p = (
          s.cloud.drivers['ipsec-connection'].explain?.(regions.get(id) ?? site.region, id) ?? Promise.resolve('')
        ).catch(() => '');
        logs.set(id, p);
      }
      return p;
    };
    for (const t of tunnels) {
      if (t.up || !overdue) {
        checked.push(t);
        continue;
      }
      const diagnosis = diagnose(await logOf(t.connectionId), {
        topology: topology.name,
        site: site.name,
        deviceAddress: site.onPremises.publicIp,
        cloudAddress: t.cloudAddress,
        role: t.role,
        tunnelId: t.tunnelId,
      });
      if (diagnosis.words !== t.diagnosis) {
        diagnoses.push({ tunnel: t, diagnosis });
        checked.push({ ...t, diagnosis: diagnosis.words, diagnosedAt: options.now });
      } else checked.push(t);
    }
    const complete = checked.length > 0 && checked.every((t) => t.up);
    const updated: DeviceWait = { ...wait, tunnels: checked, ...(complete ? { finishedAt: options.now } : {}) };
    s.store.saveDeviceWait(updated);
    if (ticked.length === 0 && diagnoses.length === 0 && !complete) continue;
    let measured: Pick<DeviceWaitUpdate, 'matrix' | 'matrixError'> = {};
    if (complete) {
      s.store.audit('vpnbot', 'device.up', topology.name, { site: site.name, tunnels: checked.length }, options.now);
      // The apply's baseline waited for every device of the topology.
      if (s.store.openDeviceWaits(topology.name).length === 0 && topology.probes)
        measured = await measureTopology(s, topology.name, { trigger: 'apply', actor: 'vpnbot', baseline: true })
          .then((matrix) => ({ matrix }))
          .catch((e: unknown) => ({ matrixError: e instanceof Error ? e.message : String(e) }));
    }
    updates.push({ wait: updated, ticked, diagnoses, complete, ...measured });
  }
  return updates;
}

/** Who receives the keys of a waited-for device, in Slack's words. */
export function ownersOf(s: AppServices, wait: DeviceWait): string {
  const site = s.store.topology(wait.topology)?.sites.find((x) => x.name === wait.site);
  return site ? ownerWords(site) : 'nobody';
}

/** The open waits of a topology, for status. */
export const waitingDevices = (s: AppServices, topology: string): DeviceWait[] => s.store.openDeviceWaits(topology);
