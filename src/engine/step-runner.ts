/**
 * Runs one step of a plan against the cloud: create (idempotently), adopt/keep (read outputs), or
 * delete. The contract with the store: a step is recorded as started before its first cloud call
 * and a created id is recorded as soon as it is known; after a crash or an ambiguous failure the
 * resource is looked up before anything is created again.
 */
import type { VisitContext } from '../dag/walk';
import { VpnbotError } from '../errors';
import type { DeleteStep, DesiredStep, Step } from '../planner/plan';
import {
  DELETE_DRAIN_MS,
  lockKeysOf,
  peeringOf,
  secretNamesOf,
  STEP_CATALOGUE,
  type WaitProfile,
} from '../planner/step-catalogue';
import type { CloudApi, Observation, ResourceDriver, ResourceInput } from '../cloud/cloud-api';
import type { TunnelRole } from '../planner/step-params';
import { isCloudError } from '../cloud/cloud-error';
import type { EngineListener } from './engine-events';
import type { EngineStore } from './engine-store';
import type { KeyedLocks } from './keyed-locks';
import { generatePreSharedKey } from './pre-shared-key';
import { resolveInput } from './resolve-input';
import { retryCloudCall, type Pacing } from './retry-policy';
import { toStepFailure } from './step-failure';

export interface StepRunnerDeps {
  readonly cloud: CloudApi;
  readonly store: EngineStore;
  readonly pacing: Pacing;
  readonly locks: KeyedLocks;
  readonly emit: EngineListener;
  /** Attempts per cloud call on retryable errors. */
  readonly maxAttempts: number;
}

export interface RunScope {
  readonly runId: string;
  readonly topology: string;
  /** Outputs of finished steps (`id`, `routeTableId`, `internetIp`, ...), by step id. */
  readonly outputs: Map<string, Record<string, string>>;
  /** Steps this run creates, and those of them whose resource exists and has settled. */
  readonly creating: ReadonlySet<string>;
  readonly settled: Set<string>;
  /**
   * IPsec connections a read found with every tunnel up. Their mirrors' awaited tunnels are the other
   * ends of the same security associations (an SA is established by both ends or by neither), so
   * a mirror waiting for its tunnels takes this for its own read.
   */
  readonly tunnelsUp: Set<string>;
}

/** What a finished step reports. */
interface Done {
  readonly cloudId: string;
  readonly note?: string;
}

export { clientTokenFor } from './resolve-input';

/** Every tunnel in `awaits` read as up (false when the read says nothing of tunnels). */
function tunnelsUp(o: Observation, awaits: readonly TunnelRole[] | undefined): boolean {
  return (
    awaits !== undefined && o.tunnels !== undefined && awaits.every((r) => o.tunnels!.find((t) => t.role === r)?.up)
  );
}

/** "the slave tunnel (tun-..., ike_sa_not_established)": the awaited tunnels not up at the last read, by name. */
function tunnelsDown(o: Observation | undefined, awaits: readonly TunnelRole[] | undefined): string {
  const tunnels = o?.tunnels;
  if (!tunnels || tunnels.length < 2) return 'the tunnel';
  const down = tunnels.filter((t) => (awaits ?? ['master']).includes(t.role) && !t.up);
  if (down.length === 0) return 'the tunnel';
  const each = down.map((t) => `${t.role} (${t.id}, ${t.status})`).join(' and ');
  return `the ${each} tunnel${down.length > 1 ? 's' : ''}`;
}

export class StepRunner {
  constructor(private readonly deps: StepRunnerDeps) {}

  async run(step: Step, scope: RunScope, visit: VisitContext): Promise<void> {
    const { store, emit, pacing } = this.deps;
    emit({ type: 'step-started', runId: scope.runId, stepId: step.id, kind: step.kind, action: step.action });
    const prior = store.step(scope.runId, step.id);
    store.stepStarted(scope.runId, step.id, pacing.now());
    try {
      const done =
        step.action === 'delete'
          ? await this.destroy(step, scope, visit)
          : step.action === 'create'
            ? await this.create(step, scope, visit, prior?.cloudId, prior !== undefined && prior.status !== 'pending')
            : await this.use(step, scope, visit);
      store.stepFinished(scope.runId, step.id, 'succeeded', pacing.now());
      emit({ type: 'step-succeeded', runId: scope.runId, stepId: step.id, ...done });
    } catch (e) {
      if (visit.signal.aborted) throw e;
      const err =
        e instanceof VpnbotError ? e : new VpnbotError('engine.fault', (e as Error).message ?? String(e), { cause: e });
      const failure = toStepFailure(step.id, err);
      const requestId = failure.requestId ? { requestId: failure.requestId } : {};
      store.stepFinished(scope.runId, step.id, 'failed', pacing.now(), {
        code: failure.code,
        message: failure.message,
        ...requestId,
      });
      emit({
        type: 'step-failed',
        runId: scope.runId,
        stepId: step.id,
        code: failure.code,
        message: failure.message,
        ...requestId,
      });
      throw err;
    }
  }

  /** The driver of the step's kind. Drivers are typed per kind; the runner handles every kind alike. */
  private driver(step: Step): ResourceDriver {
    return this.deps.cloud.drivers[step.kind] as ResourceDriver;
  }

  private input(step: DesiredStep, scope: RunScope): ResourceInput {
    const psk: Partial<Record<TunnelRole, string>> = {};
    for (const { tunnel, name } of secretNamesOf(step)) {
      let key = this.deps.store.secret(scope.topology, name);
      if (key === undefined) {
        // The store keeps the first key written: read it back, so both sides of a pair always agree.
        this.deps.store.putSecret(scope.topology, name, generatePreSharedKey());
        key = this.deps.store.secret(scope.topology, name)!;
      }
      psk[tunnel] = key;
    }
    const r = resolveInput(step, scope.topology, scope.outputs, {
      runId: scope.runId,
      ...(Object.keys(psk).length ? { psk } : {}),
    });
    if (!r.ok)
      throw new VpnbotError(
        'engine.missing-output',
        `step ${step.id} needs ${r.missing.output} of ${r.missing.step}, which is not known`,
      );
    return r.input;
  }

  /** A cloud call with retries on retryable errors (throttling, 5xx, one-at-a-time conflicts). */
  private retrying<T>(
    step: Step,
    scope: RunScope,
    signal: AbortSignal,
    op: () => Promise<T>,
    opts: { drain?: boolean; read?: boolean; beforeRetry?: () => Promise<T | undefined> } = {},
  ): Promise<T> {
    const { pacing, maxAttempts, emit } = this.deps;
    return retryCloudCall(op, pacing, {
      // A read changes nothing, and some reads are two calls (an instance and its agent): twice the patience.
      maxAttempts: opts.read ? maxAttempts * 2 : maxAttempts,
      signal,
      ...(opts.drain ? { drainUntil: pacing.now() + DELETE_DRAIN_MS * pacing.pace } : {}),
      // The lookup after an ambiguous failure is itself a cloud call that may be throttled.
      ...(opts.beforeRetry ? { beforeRetry: () => this.retrying(step, scope, signal, opts.beforeRetry!) } : {}),
      onRetry: (n) => emit({ type: 'step-retrying', runId: scope.runId, stepId: step.id, ...n }),
    });
  }

  /**
   * Polls `read` until `done`; fails after the profile's timeout. `expecting`: the change was just
   * made, so the first read waits for the kind's typical latency (a read before it is a wasted call).
   */
  private async waitUntil(
    step: Step,
    scope: RunScope,
    signal: AbortSignal,
    profile: WaitProfile,
    read: () => Promise<Observation>,
    done: (o: Observation) => boolean,
    expecting = false,
    deadlineAt?: number,
  ): Promise<Observation> {
    const { pacing } = this.deps;
    const deadline = deadlineAt ?? pacing.now() + profile.timeoutMs * pacing.pace;
    if (expecting && profile.expectedMs > 0) await pacing.sleep(profile.expectedMs * pacing.pace, signal);
    let interval = profile.firstPollMs * pacing.pace;
    let lastDetail = '';
    for (;;) {
      let o: Observation;
      try {
        o = await this.retrying(step, scope, signal, read, { read: true });
      } catch (e) {
        // A read changes nothing: while the wait has time left, a cloud that stays busy through one
        // call's retries is polled again later instead of failing the step.
        if ((e as { category?: string }).category !== 'retryable' || pacing.now() > deadline) throw e;
        await pacing.sleep(interval, signal);
        continue;
      }
      if (o.state === 'failed')
        throw new VpnbotError('engine.resource-failed', `${step.id}: ${o.detail ?? 'the resource failed'}`);
      if (done(o)) return o;
      if (o.detail && o.detail !== lastDetail) {
        lastDetail = o.detail;
        this.deps.emit({ type: 'step-waiting', runId: scope.runId, stepId: step.id, detail: o.detail });
      }
      if (pacing.now() > deadline)
        throw new VpnbotError(
          'engine.timeout',
          `${step.id}: still ${o.state === 'gone' ? 'gone' : (o.detail ?? o.state)} after ${Math.round(profile.timeoutMs / 1000)} s`,
        );
      await pacing.sleep(interval, signal);
      interval = Math.min(interval * 1.5, profile.maxPollMs * pacing.pace);
    }
  }

  /**
   * Runs `fn` holding the step's locks. Waiting for a lock holds no parallelism slot, and neither do
   * the waits inside `fn` (through outsideSlot): so a step blocked on a lock never keeps the lock's
   * holder from the slot it needs for its next call, and a resource's minutes of provisioning leave
   * the slots to steps that can make calls.
   */
  private async locked<T>(step: Step, scope: RunScope, visit: VisitContext, fn: () => Promise<T>): Promise<T> {
    const release = await visit.outsideSlot(() => this.deps.locks.acquire(lockKeysOf(step, scope.topology)));
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Waits, without calling the cloud, until this run's step `id` has settled or `deadline` has passed. */
  private async untilSettled(
    scope: RunScope,
    id: string,
    deadline: number,
    everyMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { pacing } = this.deps;
    while (!scope.settled.has(id) && pacing.now() <= deadline) await pacing.sleep(everyMs * pacing.pace, signal);
  }

  private async create(
    step: DesiredStep,
    scope: RunScope,
    visit: VisitContext,
    knownId: string | undefined,
    resumed: boolean,
  ): Promise<Done> {
    const driver = this.driver(step);
    const input = this.input(step, scope);
    const { store, pacing } = this.deps;
    const record = (cloudId: string, outputs: Record<string, string>) =>
      store.putResource(
        {
          topology: scope.topology,
          stepId: step.id,
          site: step.site,
          kind: step.kind,
          region: step.region,
          cloudId,
          origin: 'created',
          outputs,
        },
        pacing.now(),
      );
    let id = knownId;
    const wait = STEP_CATALOGUE[step.kind].wait;
    let readyNow = false;
    /** The last observation under the lock: when it is already ready, no read follows. */
    let last: Observation | undefined;
    await this.locked(step, scope, visit, async () => {
      // Describe before retrying: a step started by a run that crashed may have created its resource.
      if (id === undefined && resumed)
        id = await this.retrying(step, scope, visit.signal, () => driver.find(input), { read: true });
      let createdNow = false;
      if (id === undefined) {
        id = await this.retrying(step, scope, visit.signal, () => driver.create(input), {
          beforeRetry: () => driver.find(input),
        });
        readyNow = STEP_CATALOGUE[step.kind].readyOnCreate === true && !driver.converge;
        createdNow = true;
      }
      store.stepCloudId(scope.runId, step.id, id);
      record(id, { id });
      if (readyNow) return;
      const settledOrReady = (o: Observation) => o.state === 'ready' || (o.state === 'pending' && o.settled);
      let settled = await visit.outsideSlot(() =>
        this.waitUntil(
          step,
          scope,
          visit.signal,
          wait,
          () => driver.read(step.region, id!),
          settledOrReady,
          createdNow,
        ),
      );
      // Resources built in several calls: one change at a time, each once the resource is ready again.
      if (driver.converge) {
        for (;;) {
          if (settled.state === 'gone') break;
          const change = await this.retrying(step, scope, visit.signal, () =>
            driver.converge!(step.region, id!, input),
          );
          if (change === undefined) break;
          this.deps.emit({ type: 'step-waiting', runId: scope.runId, stepId: step.id, detail: change });
          settled = await visit.outsideSlot(() =>
            this.waitUntil(
              step,
              scope,
              visit.signal,
              wait,
              () => driver.read(step.region, id!),
              (o) => o.state === 'ready' || o.state === 'gone',
            ),
          );
        }
      }
      if (settled.state === 'gone')
        throw new VpnbotError('engine.resource-gone', `${step.id}: ${id} disappeared while being created`);
      last = settled;
      scope.settled.add(step.id);
    });
    const cloudId = id!;
    if (readyNow) {
      scope.outputs.set(step.id, { id: cloudId });
      return { cloudId };
    }
    // A connection to an on-premises peer comes up when the DC's device is configured, which is not
    // vpnbot's to do: it is done once configured, and its tunnel status is reported, not awaited.
    const peering = peeringOf(step);
    if (peering && peering.mirror === null) {
      const o =
        last ??
        (await this.retrying(step, scope, visit.signal, () => driver.read(step.region, cloudId), { read: true }));
      scope.outputs.set(step.id, { ...o.outputs, id: cloudId });
      record(cloudId, { ...o.outputs, id: cloudId });
      return o.state === 'ready'
        ? { cloudId }
        : { cloudId, note: `configured; ${o.detail ?? 'tunnel not up'} until the on-premises device is configured` };
    }
    // A tunnel comes up only once its mirror exists on the peer: wait without holding a slot or a lock,
    // and without reading the cloud while this run is still creating the mirror (it says when it has).
    // Ready: every tunnel the step awaits is up (a slave without a partner at the peer is not awaited).
    const profile = peering?.wait ?? wait;
    const done = (o: Observation) => o.state === 'ready' || o.state === 'gone' || tunnelsUp(o, peering?.awaits);
    let seen = last;
    if (peering && last?.tunnels?.length && last.tunnels.every((t) => t.up)) scope.tunnelsUp.add(step.id);
    let ready: Observation;
    try {
      ready =
        last && done(last)
          ? last
          : await visit.outsideSlot(async () => {
              const deadline = this.deps.pacing.now() + profile.timeoutMs * this.deps.pacing.pace;
              const mirror = peering?.mirror ?? null;
              if (mirror !== null && scope.creating.has(mirror))
                await this.untilSettled(scope, mirror, deadline, profile.firstPollMs, visit.signal);
              const settledRead = last;
              return this.waitUntil(
                step,
                scope,
                visit.signal,
                profile,
                async () => {
                  // The mirror was read with every tunnel up: the ones awaited here are their other ends.
                  if (mirror !== null && scope.tunnelsUp.has(mirror) && settledRead && peering)
                    return {
                      ...settledRead,
                      state: 'ready',
                      tunnels: settledRead.tunnels?.map((t) =>
                        peering.awaits.includes(t.role) ? { ...t, up: true, status: 'ipsec_sa_established' } : t,
                      ),
                    };
                  seen = await driver.read(step.region, cloudId);
                  if (seen.tunnels?.length && seen.tunnels.every((t) => t.up)) scope.tunnelsUp.add(step.id);
                  return seen;
                },
                done,
                peering !== undefined,
                deadline,
              );
            });
    } catch (e) {
      if (e instanceof VpnbotError && e.code === 'engine.timeout' && driver.explain) {
        const why = await driver.explain(step.region, cloudId).catch(() => '');
        throw new VpnbotError(
          'engine.tunnel-down',
          `${step.id}: ${tunnelsDown(seen, peering?.awaits)} did not come up${why ? `: ${why}` : ''}`,
        );
      }
      throw e;
    }
    if (ready.state === 'gone')
      throw new VpnbotError('engine.resource-gone', `${step.id}: ${cloudId} disappeared while being created`);
    scope.outputs.set(step.id, { ...ready.outputs, id: cloudId });
    record(cloudId, { ...ready.outputs, id: cloudId });
    return { cloudId };
  }

  /** adopt / keep: the resource exists; read its outputs for the steps that reference it. */
  private async use(step: DesiredStep, scope: RunScope, visit: VisitContext): Promise<Done> {
    const id = step.cloudId!;
    const o = await this.retrying(step, scope, visit.signal, () => this.driver(step).read(step.region, id), {
      read: true,
    });
    if (o.state === 'gone')
      throw new VpnbotError('engine.resource-gone', `${step.id}: ${id} no longer exists; plan again`);
    const outputs = { ...o.outputs, id };
    scope.outputs.set(step.id, outputs);
    const origin = step.action === 'adopt' ? 'adopted' : step.external ? 'external' : 'created';
    this.deps.store.putResource(
      {
        topology: scope.topology,
        stepId: step.id,
        site: step.site,
        kind: step.kind,
        region: step.region,
        cloudId: id,
        origin,
        outputs,
      },
      this.deps.pacing.now(),
    );
    return { cloudId: id };
  }

  private async destroy(step: DeleteStep, scope: RunScope, visit: VisitContext): Promise<Done> {
    const driver = this.driver(step);
    const id = step.cloudId;
    await this.locked(step, scope, visit, async () => {
      const current = await this.retrying(step, scope, visit.signal, () => driver.read(step.region, id), {
        read: true,
      });
      if (current.state !== 'gone') {
        await this.retrying(
          step,
          scope,
          visit.signal,
          async () => {
            try {
              await driver.delete(step.region, id);
            } catch (e) {
              if (isCloudError(e) && e.category === 'not-found') return;
              throw e;
            }
          },
          { drain: true },
        );
      }
      await visit.outsideSlot(() =>
        this.waitUntil(
          step,
          scope,
          visit.signal,
          STEP_CATALOGUE[step.kind].wait,
          () => driver.read(step.region, id),
          (o) => o.state === 'gone',
        ),
      );
    });
    this.deps.store.resourceDeleted(scope.topology, step.id, this.deps.pacing.now());
    return { cloudId: id };
  }
}
