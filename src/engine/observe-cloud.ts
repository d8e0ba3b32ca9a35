/**
 * Refresh: what the cloud holds for a topology, as the planner's ObservedState. Walks the desired
 * steps in dependency order, finding each one's resource (the store's record, then tags, markers or
 * natural keys), reading adopted ids, and looking for equivalent resources already in place on
 * adopted gateways, VPCs and CENs. Resources of the topology that are no longer desired are found
 * from the store and by tag search.
 */
import type { CloudApi, ResourceInput, TaggedResource } from '../cloud/cloud-api';
import { adoptedId, buildPlan } from '../planner/build-plan';
import { EMPTY_OBSERVED, TAG_STEP, TAG_TOPOLOGY, type ObservedResource, type ObservedState } from '../planner/observed';
import type { Step } from '../planner/plan';
import type { Topology } from '../topology/model';
import type { EngineStore } from './engine-store';
import { retryCloudCall, type Pacing } from './retry-policy';

function topoOrder(steps: readonly Step[]): Step[] {
  const done = new Set<string>();
  const out: Step[] = [];
  while (out.length < steps.length) {
    const before = out.length;
    for (const s of steps) if (!done.has(s.id) && s.dependsOn.every((d) => done.has(d))) { done.add(s.id); out.push(s); }
    if (out.length === before) throw new Error('cycle in plan');
  }
  return out;
}

function resolve(step: Step, topology: string, outputs: Map<string, Record<string, string>>): ResourceInput | undefined {
  const params: Record<string, Step['params'][string]> = { ...step.params };
  for (const [name, ref] of Object.entries(step.refs)) {
    const v = outputs.get(ref.step)?.[ref.output];
    if (!v) return undefined;
    params[name] = v;
  }
  return { region: step.region, params, clientToken: '', marker: `vpnbot:${topology}:${step.id}`, tags: { [TAG_TOPOLOGY]: topology, [TAG_STEP]: step.id } };
}

export async function observeCloud(topology: Topology, rawCloud: CloudApi, store: EngineStore, pacing: Pacing, maxAttempts = 10): Promise<ObservedState> {
  const cloud = withRetries(rawCloud, pacing, maxAttempts);
  const desired = buildPlan(topology, EMPTY_OBSERVED);
  const records = new Map(store.resources(topology.name).map((r) => [r.stepId, r]));
  const outputs = new Map<string, Record<string, string>>();
  const resources: ObservedResource[] = [];
  const ours = (step: Step, id: string): ObservedResource => ({ kind: step.kind, id, region: step.region, tags: { [TAG_TOPOLOGY]: topology.name, [TAG_STEP]: step.id }, attrs: {} });
  const adoptedIds = new Set(topology.sites.flatMap((s) => Object.values(s.existing)));

  for (const step of topoOrder(desired.steps)) {
    const driver = cloud.drivers[step.kind];
    const adopted = adoptedId(topology, step, { resources: [] });
    if (adopted) {
      const o = await driver.read(step.region, adopted);
      if (o.state !== 'gone') outputs.set(step.id, { ...o.outputs, id: adopted });
      continue;
    }
    const input = resolve(step, topology.name, outputs);
    if (!input) continue;
    // Reads here pass no input: refreshing must not change anything (a VPC read with input adds missing CIDRs).
    const record = records.get(step.id);
    let found: { id: string; outputs: Readonly<Record<string, string>> } | undefined;
    if (record && record.origin === 'created') {
      const o = await driver.read(step.region, record.cloudId);
      if (o.state !== 'gone') found = { id: record.cloudId, outputs: o.outputs };
    }
    if (!found) {
      const id = await driver.find(input);
      if (id) found = { id, outputs: (await driver.read(step.region, id)).outputs };
    }
    if (found) {
      outputs.set(step.id, { ...found.outputs, id: found.id });
      resources.push(ours(step, found.id));
      continue;
    }
    // Equivalents already in service, on resources the user asked to adopt (the walkthrough's premise).
    const onAdopted = Object.values(step.refs).some((r) => adoptedIds.has(outputs.get(r.step)?.id ?? ''));
    if (driver.findExternal && onAdopted) {
      const ext = await driver.findExternal(input);
      if (ext) {
        const o = await driver.read(step.region, ext.id);
        outputs.set(step.id, { ...o.outputs, id: ext.id });
        // The planner matches an equivalent by the adopted gateway and VPC it sits on.
        const vpnGatewayId = String(input.params.vpnGatewayId ?? input.params.nextHopId ?? '');
        const vpcId = outputs.get(step.refs.routeTableId?.step ?? '')?.id ?? String(input.params.childInstanceId ?? '');
        resources.push({ kind: step.kind, id: ext.id, region: step.region, tags: {}, attrs: { ...ext.attrs, vpnGatewayId, vpcId } });
      }
    }
  }

  // No longer desired: what the store knows we created, and anything tagged for this topology.
  const desiredIds = new Set(desired.steps.map((s) => s.id));
  const seen = new Set(resources.map((r) => r.id));
  for (const r of records.values()) {
    if (desiredIds.has(r.stepId) || r.origin !== 'created' || seen.has(r.cloudId)) continue;
    const o = await cloud.drivers[r.kind].read(r.region, r.cloudId);
    if (o.state !== 'gone') {
      resources.push({ kind: r.kind, id: r.cloudId, region: r.region, tags: { [TAG_TOPOLOGY]: topology.name, [TAG_STEP]: r.stepId }, attrs: {} });
      seen.add(r.cloudId);
    }
  }
  const regions = [...new Set(topology.sites.map((s) => s.region).filter((r) => r !== ''))];
  const tagged: TaggedResource[] = [];
  for (const driver of Object.values(cloud.drivers)) {
    if (!driver.listTagged) continue;
    for (const region of driver.kind === 'cen' ? regions.slice(0, 1) : regions) for (const r of await driver.listTagged(region, { [TAG_TOPOLOGY]: topology.name })) tagged.push(r);
  }
  for (const t of tagged) {
    if (seen.has(t.id) || t.tags[TAG_STEP] === undefined) continue;
    if (desiredIds.has(t.tags[TAG_STEP]!) && resources.some((r) => r.tags[TAG_STEP] === t.tags[TAG_STEP])) continue;
    resources.push({ kind: t.kind, id: t.id, region: t.region, tags: t.tags, attrs: {} });
    seen.add(t.id);
  }
  return { resources };
}

/** The same cloud, with every driver call retried on retryable errors (refresh reads a lot). */
function withRetries(cloud: CloudApi, pacing: Pacing, maxAttempts: number): CloudApi {
  const retry = <T>(op: () => Promise<T>) => retryCloudCall(op, pacing, { maxAttempts });
  const drivers = Object.fromEntries(
    Object.entries(cloud.drivers).map(([kind, d]) => [
      kind,
      {
        ...d,
        read: (region: string, id: string, input?: ResourceInput) => retry(() => d.read(region, id, input)),
        find: (input: ResourceInput) => retry(() => d.find(input)),
        ...(d.findExternal ? { findExternal: (input: ResourceInput) => retry(() => d.findExternal!(input)) } : {}),
        ...(d.listTagged ? { listTagged: (region: string, tags: Readonly<Record<string, string>>) => retry(() => d.listTagged!(region, tags)) } : {}),
      },
    ]),
  ) as unknown as CloudApi['drivers'];
  return { ...cloud, drivers };
}
