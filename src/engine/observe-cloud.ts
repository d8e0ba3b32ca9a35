/**
 * Refresh: what the cloud holds for a topology, as the planner's ObservedState. Reads the edition
 * of the topology's CEN first, adopted or made earlier (it decides the CEN's steps), then walks the desired steps in dependency
 * order, finding each one's resource (the store's record, then tags, markers or natural keys),
 * reading adopted ids, and looking for equivalent resources already in place on adopted gateways,
 * VPCs and CENs, and on such equivalents (a transit router found on an adopted CEN, its
 * connections). Resources of the topology that are no longer desired are found from the store and
 * by tag search.
 */
import {
  PROBE_SYSTEM_DISK,
  type CloudApi,
  type DriverTable,
  type ResourceDriver,
  type ResourceInput,
  type TaggedResource,
} from '../cloud/cloud-api';
import { topoOrder } from '../dag/topo-order';
import { desiredSteps, probeTypeFor } from '../planner/desired-steps';
import { gatewayKinds } from '../planner/gateway-kinds';
import { TAG_STEP, TAG_TOPOLOGY, type ObservedResource, type ObservedState } from '../planner/observed';
import { refsOf, type DesiredStep } from '../planner/plan';
import { adoptedId } from '../planner/reconcile';
import { stepId } from '../planner/step-ids';
import { isCloudSite, type Topology } from '../topology/model';
import type { EngineStore } from './engine-store';
import { resolveInput } from './resolve-input';
import { retryCloudCall, type Pacing, type RetryNotice } from './retry-policy';

export interface RefreshOptions {
  /** The whole refresh's budget (ms of pacing's clock): once spent, a failing call is not retried. */
  readonly budgetMs?: number;
  /** Hears of each retry (a cloud that does not answer), to show progress. */
  readonly onRetry?: (n: RetryNotice) => void;
}

/** An equivalent found in place, with the gateway and VPC it sits on: what the planner matches it by. */
function externalResource(
  step: DesiredStep,
  id: string,
  attrs: object,
  input: ResourceInput,
  outputs: ReadonlyMap<string, Readonly<Record<string, string>>>,
): ObservedResource {
  const p = input.params as Readonly<Record<string, unknown>>;
  const vpnGatewayId = String(p.vpnGatewayId ?? p.nextHopId ?? '');
  const vpcId =
    step.kind === 'route-entry'
      ? (outputs.get(step.refs.routeTableId.step)?.id ?? '')
      : String(p.childInstanceId ?? '');
  return {
    kind: step.kind,
    id,
    region: step.region,
    tags: {},
    // What the driver read wins over what is inferred from the step's inputs.
    attrs: { vpnGatewayId, vpcId, ...attrs },
  } as ObservedResource;
}

/**
 * Refresh only reads (and some reads are two calls), so it retries twice as long as a change would,
 * within its budget: a cloud that does not answer ends the refresh with the last error (endpoint and
 * cause), not after twenty backoffs.
 */
export async function observeCloud(
  topology: Topology,
  rawCloud: CloudApi,
  store: EngineStore,
  pacing: Pacing,
  maxAttempts = 20,
  options: RefreshOptions = {},
): Promise<ObservedState> {
  const cloud = withRetries(rawCloud, pacing, {
    maxAttempts,
    ...(options.budgetMs !== undefined ? { giveUpAt: pacing.now() + options.budgetMs } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  // The topology's CEN, adopted or made by vpnbot earlier (then Basic if made before Enterprise Edition).
  const cenId =
    topology.sites.map((s) => s.existing.cen).find((c) => c !== undefined) ??
    store.resources(topology.name).find((r) => r.kind === 'cen' && r.origin === 'created')?.cloudId;
  const cenEdition =
    cenId === undefined
      ? 'enterprise'
      : await retryCloudCall(() => rawCloud.cenEdition(cenId), pacing, {
          maxAttempts,
          ...(options.onRetry ? { onRetry: options.onRetry } : {}),
        });
  const records = new Map(store.resources(topology.name).map((r) => [r.stepId, r]));
  const outputs = new Map<string, Record<string, string>>();
  const resources: ObservedResource[] = [];
  const ourTags = (stepId: string) => ({ [TAG_TOPOLOGY]: topology.name, [TAG_STEP]: stepId });
  const gatewayAttrs = (o: Readonly<Record<string, string>>) => ({
    internetIp: o.internetIp ?? '',
    disasterRecoveryIp: o.disasterRecoveryIp ?? '',
  });
  // Gateways first, adopted or recorded: whether each has one address or two decides the steps around it.
  const gatewayReads = new Map<string, Readonly<Record<string, string>>>();
  const known: ObservedResource[] = [];
  for (const site of topology.sites) {
    if (!isCloudSite(site) || (site.role !== 'hub' && site.role !== 'dc')) continue;
    const step = stepId.vpnGateway(site.name);
    const record = records.get(step);
    const id = site.existing.vpnGateway ?? (record?.origin === 'created' ? record.cloudId : undefined);
    if (id === undefined) continue;
    const o = await cloud.drivers['vpn-gateway'].read(site.region, id);
    if (o.state === 'gone') continue;
    gatewayReads.set(id, o.outputs);
    const adopted = site.existing.vpnGateway !== undefined;
    const seen = { kind: 'vpn-gateway' as const, id, region: site.region, attrs: gatewayAttrs(o.outputs) };
    known.push({ ...seen, tags: adopted ? {} : ourTags(step) });
    if (adopted) resources.push({ ...seen, tags: {} });
  }
  const desired = desiredSteps(topology, undefined, gatewayKinds(topology, { resources: known }), cenEdition);
  const ours = (step: DesiredStep, id: string, o: Readonly<Record<string, string>>) =>
    ({
      kind: step.kind,
      id,
      region: step.region,
      tags: ourTags(step.id),
      attrs: step.kind === 'vpn-gateway' ? gatewayAttrs(o) : {},
    }) as ObservedResource;
  // Adopted ids, and the ids of equivalents found on them as the walk goes.
  const adoptedIds = new Set(topology.sites.flatMap((s) => Object.values(s.existing)));

  for (const step of topoOrder(desired)) {
    const driver = cloud.drivers[step.kind] as ResourceDriver;
    const adopted = adoptedId(topology, step, { resources: [] });
    const read = async (id: string) => {
      const seen = step.kind === 'vpn-gateway' ? gatewayReads.get(id) : undefined;
      return seen ? { state: 'ready', outputs: seen } : await driver.read(step.region, id);
    };
    if (adopted) {
      const o = await read(adopted);
      if (o.state !== 'gone') outputs.set(step.id, { ...o.outputs, id: adopted });
      continue;
    }
    // On adopted resources (and equivalents found on them) only the store's record says a resource
    // is vpnbot's: whatever else stands there is an equivalent already in service, left as it is.
    const onAdopted = refsOf(step).some((r) => adoptedIds.has(outputs.get(r.step)?.id ?? ''));
    const lookExternal = async (input: ResourceInput) => {
      if (!driver.findExternal || !onAdopted) return;
      const ext = await driver.findExternal(input);
      if (!ext) return;
      const o = await driver.read(step.region, ext.id);
      outputs.set(step.id, { ...o.outputs, id: ext.id });
      resources.push(externalResource(step, ext.id, ext.attrs, input, outputs));
      adoptedIds.add(ext.id);
    };
    const resolved = resolveInput(step, topology.name, outputs);
    if (!resolved.ok) {
      // Something of vpnbot's this step needs is not there yet, so its resource is not either; an
      // equivalent on adopted resources may be (a transit-router connection made with other vSwitches).
      const partial = resolveInput(step, topology.name, outputs, undefined, { partial: true });
      const keys = driver.externalKeys;
      const params = partial.ok ? (partial.input.params as Readonly<Record<string, unknown>>) : {};
      if (partial.ok && keys?.every((k) => params[k] !== undefined)) await lookExternal(partial.input);
      continue;
    }
    const { input } = resolved;
    const record = records.get(step.id);
    let found: { id: string; outputs: Readonly<Record<string, string>> } | undefined;
    if (record && record.origin === 'created') {
      const o = await read(record.cloudId);
      if (o.state !== 'gone') found = { id: record.cloudId, outputs: o.outputs };
    }
    if (!found && !onAdopted) {
      const id = await driver.find(input);
      if (id) found = { id, outputs: (await driver.read(step.region, id)).outputs };
    }
    if (found) {
      outputs.set(step.id, { ...found.outputs, id: found.id });
      resources.push(ours(step, found.id, found.outputs));
      continue;
    }
    await lookExternal(input);
  }

  // No longer desired: what the store knows we created, and anything tagged for this topology.
  const desiredIds = new Set(desired.map((s) => s.id));
  const seen = new Set(resources.map((r) => r.id));
  for (const r of records.values()) {
    if (desiredIds.has(r.stepId) || r.origin !== 'created' || seen.has(r.cloudId)) continue;
    const o = await cloud.drivers[r.kind].read(r.region, r.cloudId);
    if (o.state !== 'gone') {
      resources.push({
        kind: r.kind,
        id: r.cloudId,
        region: r.region,
        tags: { [TAG_TOPOLOGY]: topology.name, [TAG_STEP]: r.stepId },
        attrs: {},
      } as ObservedResource);
      seen.add(r.cloudId);
    }
  }
  const regions = [...new Set(topology.sites.map((s) => s.region).filter((r) => r !== ''))];
  const tagged: TaggedResource[] = [];
  for (const driver of Object.values(cloud.drivers)) {
    if (!driver.listTagged) continue;
    for (const region of driver.kind === 'cen' ? regions.slice(0, 1) : regions)
      for (const r of await driver.listTagged(region, { [TAG_TOPOLOGY]: topology.name })) tagged.push(r);
  }
  for (const t of tagged) {
    if (seen.has(t.id) || t.tags[TAG_STEP] === undefined) continue;
    if (desiredIds.has(t.tags[TAG_STEP]!) && resources.some((r) => r.tags[TAG_STEP] === t.tags[TAG_STEP])) continue;
    resources.push({ kind: t.kind, id: t.id, region: t.region, tags: t.tags, attrs: {} } as ObservedResource);
    seen.add(t.id);
  }
  const probeTypes = await chooseProbeTypes(desired, resources, rawCloud, pacing, maxAttempts);
  return { resources, cenEdition, ...(Object.keys(probeTypes).length ? { probeTypes } : {}) };
}

/**
 * The type each new probe takes: where the planned type is not in stock in its zone, the first
 * fallback that is (one DescribeAvailableResource per zone). A probe that exists keeps its type,
 * and a zone whose stock cannot be read keeps the planned one: the preflight reports both.
 */
async function chooseProbeTypes(
  desired: readonly DesiredStep[],
  resources: readonly ObservedResource[],
  cloud: CloudApi,
  pacing: Pacing,
  maxAttempts: number,
): Promise<Record<string, string>> {
  const existing = new Set(resources.map((r) => r.tags[TAG_STEP]).filter((t) => t !== undefined));
  const stock = new Map<string, Promise<ReadonlyMap<string, boolean> | undefined>>();
  const chosen: Record<string, string> = {};
  for (const step of desired) {
    if (step.kind !== 'ecs-instance' || step.site === null || existing.has(step.id)) continue;
    const { zoneId, instanceType } = step.params;
    const key = `${step.region}/${zoneId}`;
    if (!stock.has(key))
      stock.set(
        key,
        retryCloudCall(() => cloud.preflight.instanceStock(step.region, zoneId, PROBE_SYSTEM_DISK.category), pacing, {
          maxAttempts,
        }).catch(() => undefined),
      );
    const inStock = await stock.get(key)!;
    const type = inStock ? probeTypeFor(instanceType, inStock) : undefined;
    if (type !== undefined && type !== instanceType) chosen[step.site] = type;
  }
  return chosen;
}

/** The same cloud, with every driver call retried on retryable errors (refresh reads a lot). */
function withRetries(
  cloud: CloudApi,
  pacing: Pacing,
  options: { maxAttempts: number; giveUpAt?: number; onRetry?: (n: RetryNotice) => void },
): CloudApi {
  const retry = <T>(op: () => Promise<T>) => retryCloudCall(op, pacing, options);
  const drivers = Object.fromEntries(
    Object.entries(cloud.drivers).map(([kind, d]) => [
      kind,
      {
        ...d,
        read: (region: string, id: string) => retry(() => d.read(region, id)),
        find: (input: ResourceInput) => retry(() => (d as ResourceDriver).find(input)),
        ...(d.findExternal
          ? { findExternal: (input: ResourceInput) => retry(() => (d as ResourceDriver).findExternal!(input)) }
          : {}),
        ...(d.listTagged
          ? {
              listTagged: (region: string, tags: Readonly<Record<string, string>>) =>
                retry(() => d.listTagged!(region, tags)),
            }
          : {}),
      },
    ]),
  ) as unknown as DriverTable;
  return { ...cloud, drivers };
}
