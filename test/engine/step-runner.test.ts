/** The engine's contracts, with a scripted fake cloud (unit level; the same paths run against the emulator elsewhere). */
import type { CloudApi, Observation, ResourceDriver, ResourceInput } from '../../src/cloud/cloud-api';
import { CloudError } from '../../src/cloud/cloud-error';
import { createEngine } from '../../src/engine/create-engine';
import type { EngineEvent } from '../../src/engine/engine-events';
import { createMemoryStore } from '../../src/engine/memory-store';
import type { Pacing } from '../../src/engine/retry-policy';
import { STEP_KINDS, type Plan, type Step, type StepKind } from '../../src/planner/plan';

const instant: Pacing = { pace: 1, now: () => Date.now(), random: () => 0.5, sleep: async () => undefined };

class FakeDriver implements ResourceDriver {
  readonly created: ResourceInput[] = [];
  readonly live = new Map<string, ResourceInput>();
  /** Errors to throw from the next create calls, in order; `applied` ones create first. */
  failCreate: { error: CloudError; applied: boolean }[] = [];
  active = 0;
  maxActive = 0;
  constructor(readonly kind: StepKind) {}
  async create(input: ResourceInput) {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setImmediate(r));
    this.active--;
    const f = this.failCreate.shift();
    const id = `${this.kind}-${this.created.length + 1}`;
    if (!f || f.applied) {
      this.created.push(input);
      this.live.set(id, input);
    }
    if (f) throw f.error;
    return id;
  }
  async read(_r: string, id: string): Promise<Observation> {
    return this.live.has(id) ? { state: 'ready', outputs: { id }, settled: true } : { state: 'gone', outputs: {}, settled: true };
  }
  async find(input: ResourceInput) {
    return [...this.live.entries()].find(([, v]) => v.clientToken === input.clientToken)?.[0];
  }
  async delete(_r: string, id: string) {
    this.live.delete(id);
  }
}

function fakeCloud() {
  const drivers = Object.fromEntries(STEP_KINDS.map((k) => [k, new FakeDriver(k)])) as Record<StepKind, FakeDriver>;
  const cloud: CloudApi = { sandbox: true, target: 'fake', drivers, calls: () => 0, zones: async () => [] };
  return { cloud, drivers };
}

const step = (id: string, kind: StepKind, dependsOn: string[] = [], refs: Step['refs'] = {}): Step => ({ id, kind, site: 'a', region: 'r', action: 'create', dependsOn, params: {}, refs });
const plan = (steps: Step[]): Plan => ({ topology: 't', ike: 'v1', hash: 'h', steps, summary: { create: steps.length, adopt: 0, keep: 0, delete: 0 } });

describe('the engine with a scripted cloud', () => {
  it('after an ambiguous failure (5xx that applied) it looks the resource up and creates no duplicate', async () => {
    const { cloud, drivers } = fakeCloud();
    drivers.vpc.failCreate = [{ error: new CloudError('retryable', 'InternalError', 'boom', 'R1', true), applied: true }];
    const engine = createEngine({ cloud, store: createMemoryStore(), parallelism: 2, pacing: instant });
    const r = await engine.apply(plan([step('vpc:a', 'vpc')]), { requester: 'u' });
    expect(r.status).toBe('succeeded');
    expect(drivers.vpc.created).toHaveLength(1);
  });

  it('a user-fixable failure fails the step once, skips its dependents, and other branches go on', async () => {
    const { cloud, drivers } = fakeCloud();
    drivers.vpc.failCreate = [{ error: new CloudError('user', 'QuotaExceeded.Vpc', 'CreateVpc: QuotaExceeded.Vpc: too many', 'R2', false), applied: false }];
    const events: EngineEvent[] = [];
    const engine = createEngine({ cloud, store: createMemoryStore(), parallelism: 2, pacing: instant });
    const r = await engine.apply(plan([step('vpc:a', 'vpc'), step('vswitch:a', 'vswitch', ['vpc:a'], { vpcId: { step: 'vpc:a', output: 'id' } }), step('cen:t', 'cen')]), { requester: 'u', onEvent: (e) => events.push(e) });
    expect(r.status).toBe('failed');
    expect(r.failures).toEqual([{ stepId: 'vpc:a', code: 'QuotaExceeded.Vpc', message: 'CreateVpc: QuotaExceeded.Vpc: too many' }]);
    expect(r.outcomes.get('vswitch:a')).toEqual({ status: 'skipped', because: 'vpc:a' });
    expect(r.outcomes.get('cen:t')).toEqual({ status: 'succeeded' });
    expect(events.find((e) => e.type === 'step-failed')).toMatchObject({ stepId: 'vpc:a', requestId: 'R2' });
    expect(drivers.vpc.created).toHaveLength(0);
  });

  it('retries throttling with backoff, reporting each retry', async () => {
    const { cloud, drivers } = fakeCloud();
    drivers.cen.failCreate = [0, 1, 2].map(() => ({ error: new CloudError('retryable', 'Throttling.User', 'slow down', undefined, false), applied: false }));
    const events: EngineEvent[] = [];
    const r = await createEngine({ cloud, store: createMemoryStore(), parallelism: 1, pacing: instant }).apply(plan([step('cen:t', 'cen')]), { requester: 'u', onEvent: (e) => events.push(e) });
    expect(r.status).toBe('succeeded');
    expect(events.filter((e) => e.type === 'step-retrying').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3]);
  });

  it('one change at a time per VPN gateway, in parallel across gateways', async () => {
    const { cloud, drivers } = fakeCloud();
    const gw = (n: string) => step(`vpn-gateway:${n}`, 'vpn-gateway');
    const conn = (n: string, i: number) => step(`ipsec-connection:${n}:${i}`, 'ipsec-connection', [`vpn-gateway:${n}`], { vpnGatewayId: { step: `vpn-gateway:${n}`, output: 'id' } });
    const steps = [gw('a'), ...[1, 2, 3, 4].map((i) => conn('a', i)), gw('b'), ...[1, 2, 3, 4].map((i) => conn('b', i))].map((s) => (s.kind === 'ipsec-connection' ? { ...s, params: { pskPair: s.id } } : s));
    const r = await createEngine({ cloud, store: createMemoryStore(), parallelism: 10, pacing: instant }).apply(plan(steps), { requester: 'u' });
    expect(r.status).toBe('succeeded');
    expect(drivers['ipsec-connection'].created).toHaveLength(8);
    expect(drivers['ipsec-connection'].maxActive).toBe(2);
  });

  it('mirrored connections get the same pre-shared key, generated once per pair', async () => {
    const { cloud, drivers } = fakeCloud();
    const c = (id: string, gw: string) => ({ ...step(id, 'ipsec-connection', [gw], { vpnGatewayId: { step: gw, output: 'id' } }), params: { pskPair: 'pair-1' } });
    const r = await createEngine({ cloud, store: createMemoryStore(), parallelism: 2, pacing: instant }).apply(plan([step('gw:1', 'vpn-gateway'), step('gw:2', 'vpn-gateway'), c('x', 'gw:1'), c('y', 'gw:2')]), { requester: 'u' });
    expect(r.status).toBe('succeeded');
    const [a, b] = drivers['ipsec-connection'].created;
    expect(a!.psk).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(b!.psk).toBe(a!.psk);
  });
});
