/**
 * `/vpn status <name>`: what a network engineer asks first, for one topology. Built generically,
 * by step kind, from what the store records (resources, the planned steps, the last matrix) and
 * what each kind's driver `read` returns now (state, public IPs and other outputs): a kind added
 * later (a second tunnel, a transit router) shows with no change here.
 */
import type { ReadState, TunnelObservation } from '../cloud/cloud-api';
import { describeStep, STEP_CATALOGUE } from '../planner/step-catalogue';
import { STEP_KINDS, type StepKind } from '../planner/plan';
import type { PingMatrix } from '../probe/ping-matrix';
import type { AppServices } from './app-services';

export interface ResourceDetail {
  /** The site it belongs to; null for a topology-wide resource (the CEN instance). */
  readonly site: string | null;
  readonly kind: StepKind;
  readonly step: string;
  readonly id: string;
  readonly origin: string;
  /** The step in a few words, as planned (a connection's CIDR pair and IKE version, a gateway's name). */
  readonly what: string;
  /** As the cloud answers now; `unknown` when it could not be read (`detail` says why). */
  readonly state: ReadState | 'unknown';
  /** Why it is not ready (a tunnel's negotiation state), or why it could not be read. */
  readonly detail?: string;
  /** What the cloud reports besides the id: a gateway's public IP, an instance's private IP, ... */
  readonly outputs: Readonly<Record<string, string>>;
  /** Whether the kind is a tunnel (its `ready` is the tunnel up). */
  readonly tunnel: boolean;
  /** An IPsec connection's tunnels as read now (master first), each with its id and negotiation status. */
  readonly tunnels?: readonly TunnelObservation[];
}

export interface TopologyDetail {
  readonly topology: string;
  readonly resources: readonly ResourceDetail[];
  readonly lastMatrix?: PingMatrix;
}

/** Reads at once at most: enough to be quick, few enough not to be throttled. */
const READS_AT_ONCE = 8;

export async function topologyDetail(s: AppServices, name: string): Promise<TopologyDetail | undefined> {
  const topology = s.store.topology(name);
  if (!topology) return undefined;
  const planned = new Map(
    // Oldest first, so that the newest plan of a step describes it.
    [...s.store.runs(name, 20)].reverse().flatMap((r) => r.plan.steps.map((st) => [st.id, st] as const)),
  );
  const records = s.store.resources(name);
  const siteOrder = (site: string | null) =>
    site === null ? topology.sites.length : topology.sites.findIndex((x) => x.name === site);
  const sorted = [...records].sort(
    (a, b) =>
      siteOrder(a.site) - siteOrder(b.site) ||
      STEP_KINDS.indexOf(a.kind) - STEP_KINDS.indexOf(b.kind) ||
      a.stepId.localeCompare(b.stepId),
  );
  const details: ResourceDetail[] = new Array(sorted.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < sorted.length; i = next++) {
      const r = sorted[i]!;
      const step = planned.get(r.stepId);
      const base = {
        site: r.site,
        kind: r.kind,
        step: r.stepId,
        id: r.cloudId,
        origin: r.origin,
        what: step && step.action !== 'delete' ? describeStep(step) : STEP_CATALOGUE[r.kind].noun,
        tunnel: 'peering' in STEP_CATALOGUE[r.kind],
      };
      try {
        const o = await s.cloud.drivers[r.kind].read(r.region, r.cloudId);
        // Tunnel ids come back as outputs too (other steps read them): shown with their tunnel instead.
        const { id: _id, masterTunnelId: _m, slaveTunnelId: _s, ...outputs } = o.outputs;
        details[i] = {
          ...base,
          state: o.state,
          outputs,
          ...(o.detail ? { detail: o.detail } : {}),
          ...(o.tunnels ? { tunnels: o.tunnels } : {}),
        };
      } catch (e) {
        details[i] = { ...base, state: 'unknown', outputs: {}, detail: e instanceof Error ? e.message : String(e) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, sorted.length) }, worker));
  const last = s.store.measurements(name, 1)[0];
  return { topology: name, resources: details, ...(last ? { lastMatrix: last.matrix } : {}) };
}
