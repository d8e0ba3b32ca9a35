import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hold } from '../../src/emulator/server/control-api';
import { request } from 'node:http';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { buildWalkthrough, cloudPing, SITES } from '../helpers/walkthrough';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ timeScale: 0.0005 });
});
afterEach(() => emu.close());

const control = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${emu.endpoint}/__emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: r.status, body: (await r.json()) as any };
};

const createVpc = (token?: string) =>
  sdkClients(emu).vpc.createVpc(
    new $Vpc.CreateVpcRequest({
      regionId: 'cn-hongkong',
      cidrBlock: '10.0.0.0/8',
      ...(token ? { clientToken: token } : {}),
    }),
  );

describe('control API', () => {
  it('injects throttling and 5xx: the calls fail without doing anything', async () => {
    expect((await control('POST', 'faults', { throttle: 1 })).status).toBe(200);
    await expect(createVpc()).rejects.toMatchObject({ code: 'Throttling.User', statusCode: 400 });
    await control('POST', 'faults', { serverError: 1 });
    await expect(createVpc()).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      statusCode: 503,
      name: 'ServerError',
    });
    expect(emu.world.vpcs.size).toBe(0);
    expect((await control('POST', 'faults', { throttle: 2 })).body.error).toContain('from 0 to 1');
    expect((await control('POST', 'faults', { bogus: 1 })).body.error).toContain('unknown fault "bogus"');
  });

  it('applied-then-5xx does the change; a retry with the same ClientToken gets the first result, creating nothing new', async () => {
    await control('POST', 'faults', { appliedThenError: 1 });
    await expect(createVpc('t-1')).rejects.toMatchObject({ code: 'InternalError', statusCode: 500 });
    expect(emu.world.vpcs.size).toBe(1);
    await control('POST', 'faults', { appliedThenError: 0 });
    const retried = await createVpc('t-1');
    expect(emu.world.vpcs.has(retried.body!.vpcId!)).toBe(true);
    expect(emu.world.vpcs.size).toBe(1);
  });

  it('a latency multiplier slows state transitions', async () => {
    await control('POST', 'faults', { latencyMultiplier: 100000 });
    const id = (await createVpc()).body!.vpcId!;
    await new Promise((r) => setTimeout(r, 30));
    expect(
      (
        await sdkClients(emu).vpc.describeVpcAttribute(
          new $Vpc.DescribeVpcAttributeRequest({ regionId: 'cn-hongkong', vpcId: id }),
        )
      ).body!.status,
    ).toBe('Pending');
  });

  it('dumps the state without pre-shared keys, counts calls, and resets', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c);
    const state = (await control('GET', 'state')).body;
    expect(state.vpcs).toHaveLength(3);
    expect(JSON.stringify(state)).not.toContain('test1234');
    expect((await control('GET', 'stats')).body.calls.CreateVpnConnection).toBe(4);
    expect(built.cenId).toMatch(/^cen-/);
    expect((await control('POST', 'reset')).status).toBe(200);
    expect((await control('GET', 'state')).body.vpcs).toHaveLength(0);
    expect((await control('GET', 'nope')).status).toBe(404);
  });

  it('breaks things to imitate drift: tunnel down, published route withdrawn, rule removed', async () => {
    const c = sdkClients(emu);
    const b = await buildWalkthrough(c);
    const ping = (from: 'hongkong' | 'us' | 'japan', to: 'hongkong' | 'us' | 'japan') =>
      cloudPing(c, { region: SITES[from].region, instanceId: b.instance[from].id }, b.instance[to].ip, 2);
    expect((await ping('us', 'hongkong')).exitCode).toBe(0);

    await control('POST', 'break', {
      action: 'withdraw-route',
      cenId: b.cenId,
      childInstanceId: b.vpc.japan.id,
      destinationCidrBlock: '192.168.0.0/16',
    });
    expect((await ping('us', 'hongkong')).exitCode).toBe(1);
    expect((await ping('hongkong', 'japan')).exitCode).toBe(0);

    await control('POST', 'break', {
      action: 'tunnel-down',
      vpnConnectionId: b.connections['ikev1test-hongkong-to-japan'],
    });
    expect((await ping('hongkong', 'japan')).exitCode).toBe(1);
    await control('POST', 'break', {
      action: 'tunnel-up',
      vpnConnectionId: b.connections['ikev1test-hongkong-to-japan'],
    });
    expect((await ping('hongkong', 'japan')).exitCode).toBe(0);

    const sg = emu.world.instances.get(b.instance.japan.id)!.securityGroupIds[0];
    await control('POST', 'break', { action: 'revoke-rule', securityGroupId: sg, sourceCidrIp: '10.0.0.0/8' });
    expect((await ping('us', 'japan')).exitCode).toBe(1);
    expect((await ping('hongkong', 'japan')).exitCode).toBe(0);
    expect((await control('POST', 'break', { action: 'melt' })).body.error).toContain('unknown action');
  });

  it('holds what an account bought before: a Basic Edition CEN with its regions, a bandwidth plan', async () => {
    const cen = await control('POST', 'hold', { resource: 'basic-cen', name: 'old', regions: ['us-west-1'] });
    expect(cen.body.id).toMatch(/^cen-/);
    const routers = (await sdkClients(emu).cen('ListTransitRouters', { CenId: cen.body.id })).TransitRouters;
    expect(routers.map((r: { Type: string; RegionId: string }) => [r.Type, r.RegionId])).toEqual([
      ['Basic', 'us-west-1'],
    ]);
    expect((await control('POST', 'hold', { resource: 'bandwidth-package', bandwidthMbps: 10 })).body.id).toMatch(
      /^cenbwp-/,
    );
    expect((await control('POST', 'hold', { resource: 'basic-cen', regions: ['mars-1'] })).body.error).toContain(
      'unknown: mars-1',
    );
    expect((await control('POST', 'hold', { resource: 'bandwidth-package', bandwidthMbps: 0 })).status).toBe(400);
    expect((await control('POST', 'hold', { resource: 'vpc' })).body.error).toContain('unknown resource');
  });

  it('a cloud kept by an earlier version (no editions, no transit routers): its CENs are Basic where they attach', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpnbot-emu-'));
    const statePath = join(dir, 'cloud.json');
    const first = await startEmulator({ timeScale: 0.0005, statePath });
    const held = hold(first.world, { resource: 'basic-cen', regions: ['us-west-1'] });
    if (!('id' in held)) throw new Error(held.error);
    first.world.cenAttachments.push({
      cenId: held.id,
      childInstanceId: 'vpc-old',
      childInstanceType: 'VPC',
      childInstanceRegionId: 'ap-northeast-1',
      createdAt: 0,
      phases: { steps: [], final: 'Attached' },
    });
    const old = first.world.snapshot() as Record<string, unknown> & { cens: [string, Record<string, unknown>][] };
    await first.close();
    delete old.transitRouters;
    for (const [, c] of old.cens) delete c.edition;
    writeFileSync(statePath, JSON.stringify(old));
    const again = await startEmulator({ timeScale: 0.0005, statePath });
    try {
      const routers = (await sdkClients(again).cen('ListTransitRouters', { CenId: held.id })).TransitRouters;
      expect(routers.map((r: { Type: string; RegionId: string }) => [r.Type, r.RegionId])).toEqual([
        ['Basic', 'ap-northeast-1'],
      ]);
    } finally {
      await again.close();
    }
  });

  it('answers only its own host: a foreign Host or Origin is refused, and so is a body past its limit, unread', async () => {
    const port = Number(new URL(emu.endpoint).port);
    const raw = (headers: Record<string, string>, body = '', declared?: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/__emulator/reset',
            headers: { ...headers, 'content-length': String(declared ?? Buffer.byteLength(body)) },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        // A declared body longer than what is sent: the answer must come without waiting for the rest.
        req.write(body);
        if (declared === undefined) req.end();
      });
    await createVpc();
    expect((await raw({ host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw({ host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await raw({ host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw({ host: `localhost:${port}`, origin: 'null' })).status).toBe(403);
    expect(emu.world.vpcs.size).toBe(1);
    const big = await raw({ host: `127.0.0.1:${port}`, 'content-type': 'application/json' }, '{', 10 * 1024 * 1024);
    expect(big.status).toBe(413);
    expect(emu.world.vpcs.size).toBe(1);
    // Its own clients still reach it.
    expect((await raw({ host: `localhost:${port}`, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect(emu.world.vpcs.size).toBe(0);
  });

  it('waits callLatencyMs before answering every signed call, as a far-away API does', async () => {
    expect((await control('POST', 'faults', { callLatencyMs: 200 })).status).toBe(200);
    const started = Date.now();
    await createVpc();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('is not reachable through the signed RPC path', async () => {
    await expect(sdkClients(emu).cen('reset', {})).rejects.toMatchObject({ code: 'InvalidApi.NotFound' });
  });
});
