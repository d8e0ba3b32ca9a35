/** The engine's contracts, with a scripted fake cloud (unit level; the same paths run against the emulator elsewhere). */
import { CloudError } from '../../src/cloud/cloud-error';
import { createEngine } from '../../src/engine/create-engine';
import type { EngineEvent } from '../../src/engine/engine-events';
import { createMemoryStore } from '../../src/engine/memory-store';
import { fakePlan, fakeStep, instantPacing, scriptedCloud } from '../fakes/scripted-cloud';

const instant = instantPacing;
const fakeCloud = scriptedCloud;
const plan = fakePlan;

describe('the engine with a scripted cloud', () => {
  it('after an ambiguous failure (5xx that applied) it looks the resource up and creates no duplicate', async () => {
    const { cloud, drivers } = fakeCloud();
    drivers.vpc.failCreate = [
      { error: new CloudError('retryable', 'InternalError', 'boom', 'R1', true), applied: true },
    ];
    const engine = createEngine({ cloud, store: createMemoryStore(), parallelism: 2, pacing: instant });
    const r = await engine.apply(plan([fakeStep('vpc', 'vpc:a')]), { requester: 'u' });
    expect(r.status).toBe('succeeded');
    expect(drivers.vpc.created).toHaveLength(1);
  });

  it('a user-fixable failure fails the step once, skips its dependents, and other branches go on', async () => {
    const { cloud, drivers } = fakeCloud();
    drivers.vpc.failCreate = [
      {
        error: new CloudError('user', 'QuotaExceeded.Vpc', 'CreateVpc: QuotaExceeded.Vpc: too many', 'R2', false),
        applied: false,
      },
    ];
    const events: EngineEvent[] = [];
    const engine = createEngine({ cloud, store: createMemoryStore(), parallelism: 2, pacing: instant });
    const r = await engine.apply(
      plan([
        fakeStep('vpc', 'vpc:a'),
        fakeStep('vswitch', 'vswitch:a', { dependsOn: ['vpc:a'], refs: { vpcId: { step: 'vpc:a', output: 'id' } } }),
        fakeStep('cen', 'cen:t', { site: 'b' }),
      ]),
      { requester: 'u', onEvent: (e) => events.push(e) },
    );
    expect(r.status).toBe('failed');
    expect(r.failures).toEqual([
      {
        stepId: 'vpc:a',
        code: 'QuotaExceeded.Vpc',
        message: 'CreateVpc: QuotaExceeded.Vpc: too many',
        requestId: 'R2',
        userFixable: true,
        hint: expect.stringContaining('quota'),
      },
    ]);
    expect(r.outcomes.get('vswitch:a')).toEqual({ status: 'skipped', because: 'vpc:a' });
    expect(r.outcomes.get('cen:t')).toEqual({ status: 'succeeded' });
    expect(events.find((e) => e.type === 'step-failed')).toMatchObject({ stepId: 'vpc:a', requestId: 'R2' });
    expect(drivers.vpc.created).toHaveLength(0);
  });

  it('retries throttling with backoff, reporting each retry', async () => {
    const { cloud, drivers } = fakeCloud();
    drivers.cen.failCreate = [0, 1, 2].map(() => ({
      error: new CloudError('retryable', 'Throttling.User', 'slow down', undefined, false),
      applied: false,
    }));
    const events: EngineEvent[] = [];
    const r = await createEngine({ cloud, store: createMemoryStore(), parallelism: 1, pacing: instant }).apply(
      plan([fakeStep('cen', 'cen:t')]),
      { requester: 'u', onEvent: (e) => events.push(e) },
    );
    expect(r.status).toBe('succeeded');
    expect(events.filter((e) => e.type === 'step-retrying').map((e) => (e as { attempt: number }).attempt)).toEqual([
      1, 2, 3,
    ]);
  });

  it('one change at a time per VPN gateway, in parallel across gateways', async () => {
    const { cloud, drivers } = fakeCloud();
    const gw = (n: string) => fakeStep('vpn-gateway', `vpn-gateway:${n}`, { site: n });
    const conn = (n: string, i: number) => {
      const id = `ipsec-connection:${n}:10.${i}.0.0/16>192.168.0.0/16`;
      return fakeStep('ipsec-connection', id, {
        site: n,
        dependsOn: [`vpn-gateway:${n}`],
        refs: {
          vpnGatewayId: { step: `vpn-gateway:${n}`, output: 'id' },
          customerGatewayId: { step: `vpn-gateway:${n}`, output: 'id' },
        },
      });
    };
    const steps = [
      gw('a'),
      ...[1, 2, 3, 4].map((i) => conn('a', i)),
      gw('b'),
      ...[1, 2, 3, 4].map((i) => conn('b', i)),
    ];
    const r = await createEngine({ cloud, store: createMemoryStore(), parallelism: 10, pacing: instant }).apply(
      plan(steps),
      { requester: 'u' },
    );
    expect(r.status).toBe('succeeded');
    expect(drivers['ipsec-connection'].created).toHaveLength(8);
    expect(drivers['ipsec-connection'].maxActive).toBe(2);
  });

  it('mirrored connections get the same pre-shared keys, generated once per tunnel pair: master with master, slave with slave', async () => {
    const { cloud, drivers } = fakeCloud();
    const c = (id: string, gw: string, site: string, peerSite: string) =>
      fakeStep('ipsec-connection', id, {
        site,
        dependsOn: [gw],
        refs: {
          vpnGatewayId: { step: gw, output: 'id' },
          customerGatewayId: { step: gw, output: 'id' },
          slaveCustomerGatewayId: { step: gw, output: 'id' },
        },
        params: { peerSite, tunnels: 'dual', standby: true },
      });
    const r = await createEngine({ cloud, store: createMemoryStore(), parallelism: 2, pacing: instant }).apply(
      plan([
        fakeStep('vpn-gateway', 'gw:1', { site: 'x' }),
        fakeStep('vpn-gateway', 'gw:2', { site: 'y' }),
        c('x', 'gw:1', 'x', 'y'),
        c('y', 'gw:2', 'y', 'x'),
      ]),
      { requester: 'u' },
    );
    expect(r.status).toBe('succeeded');
    const [a, b] = drivers['ipsec-connection'].created;
    expect(a!.psk!.master).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a!.psk!.slave).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a!.psk!.slave).not.toBe(a!.psk!.master);
    expect(b!.psk).toEqual(a!.psk);
  });

  it('a progress listener that throws never fails a step: it is logged, and the run goes on', async () => {
    const { cloud, drivers } = fakeCloud();
    const warned: string[] = [];
    const engine = createEngine({
      cloud,
      store: createMemoryStore(),
      parallelism: 2,
      pacing: instant,
      log: { warn: (_d, m) => warned.push(m) },
    });
    const r = await engine.apply(
      plan([
        fakeStep('vpc', 'vpc:a'),
        fakeStep('vswitch', 'vswitch:a', { dependsOn: ['vpc:a'], refs: { vpcId: { step: 'vpc:a', output: 'id' } } }),
      ]),
      {
        requester: 'u',
        onEvent: (e) => {
          if (e.type === 'step-succeeded' || e.type === 'run-started') throw new Error('renderer bug');
        },
      },
    );
    expect(r.status).toBe('succeeded');
    expect(r.failures).toEqual([]);
    expect(drivers.vswitch.created).toHaveLength(1);
    expect(warned.length).toBeGreaterThanOrEqual(3);
  });

  it('one run per topology: a second apply is refused with who holds it; resume leaves a live run alone and takes an orphaned one', async () => {
    const { cloud, drivers } = fakeCloud();
    const store = createMemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const create = drivers.vpc.create.bind(drivers.vpc);
    drivers.vpc.create = async (input) => {
      await gate;
      return create(input);
    };
    const bot = createEngine({ cloud, store, parallelism: 2, pacing: instant, owner: 'bot', leaseMs: 60_000 });
    const cli = createEngine({ cloud, store, parallelism: 2, pacing: instant, owner: 'cli', leaseMs: 60_000 });
    const running = bot.apply(plan([fakeStep('vpc', 'vpc:a')]), { requester: 'U1', planId: 'plan-1' });
    await new Promise((r) => setImmediate(r));
    await expect(cli.apply(plan([fakeStep('vpc', 'vpc:b')]), { requester: 'U2' })).rejects.toMatchObject({
      code: 'engine.topology-busy',
      message: expect.stringContaining('requested by U1'),
      details: { live: true },
    });
    expect(await cli.resume({})).toEqual([]);
    release();
    expect((await running).status).toBe('succeeded');

    // A run whose owner stopped renewing its lease is someone else's to finish.
    store.claimRun({
      id: 'run-dead',
      topology: 'other',
      kind: 'apply',
      plan: { ...plan([fakeStep('vpc', 'vpc:c')]), topology: 'other' },
      requester: 'U3',
      startedAt: 1,
      owner: 'gone',
      leaseUntil: Date.now() - 1,
    });
    const resumed = await cli.resume({});
    expect(resumed.map((r) => [r.runId, r.status])).toEqual([['run-dead', 'succeeded']]);
  });
});
