/**
 * The ping matrix end to end on the real store, the official SDKs and the emulator: measured as
 * the walkthrough measured it, compared with the prediction, and each breakage explained by name.
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { changesSince, measureRefusal, measureTopology, pastePingRow, pingHistory } from '../../src/app/ping-use-cases';
import { decidePlan, proposeTopology } from '../../src/app/use-cases';
import { runToEnd, type RunOutcome } from '../../src/app/run-to-end';
import { breakThing } from '../../src/emulator/server/control-api';
import { DEFAULT_PING } from '../../src/probe/matrix-script';
import { measureMatrix } from '../../src/probe/measure-matrix';
import { realPacing } from '../../src/engine/retry-policy';
import { createLogger } from '../../src/log/create-logger';
import { summarizeMatrix, type PingMatrix } from '../../src/probe/ping-matrix';
import { renderMatrixTable } from '../../src/probe/render-matrix';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, TIME_SCALE, type Harness } from '../helpers/engine-harness';

/** The walkthrough's measured matrix (shared/reference/seed-scenario.md): avg RTT (ms) and TTL. */
const WALKTHROUGH: Record<string, { rtt: number; ttl: number }> = {
  'hongkong>japan': { rtt: 53.4, ttl: 62 },
  'hongkong>us': { rtt: 158.1, ttl: 62 },
  'japan>hongkong': { rtt: 53.9, ttl: 62 },
  'japan>us': { rtt: 104.7, ttl: 64 },
  'us>hongkong': { rtt: 146.8, ttl: 62 },
  'us>japan': { rtt: 115.9, ttl: 64 },
};
const NAME = 'ikev1test';

let h: Harness;
let s: AppServices;
/** How the apply ended: every apply is measured as it ends. */
let afterApply: RunOutcome;
beforeAll(async () => {
  h = await startHarness();
  s = {
    store: h.store,
    cloud: h.cloud,
    engine: h.engine,
    pacing: realPacing(TIME_SCALE * 4),
    sandbox: true,
    logger: createLogger('silent'),
    close: async () => undefined,
  };
  const r = await proposeTopology(
    s,
    { text: 'seed', form: 'line' },
    { ipsecConnectionQuota: 10 },
    { requester: 'U1', now: Date.now(), policy: DEFAULT_APPROVAL_POLICY },
  );
  if (!r.ok) throw new Error('seed did not plan');
  expect(r.proposal.record.text).toContain('Predicted reachability: 6 of 6 pairs reachable');
  const d = await decidePlan(s, {
    planId: r.proposal.record.id,
    actor: 'U1',
    decision: 'approve',
    now: Date.now(),
    policy: { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true },
  });
  if (!d.ok) throw new Error(d.reason);
  afterApply = await runToEnd(s, d.record);
  expect(afterApply.result.status).toBe('succeeded');
});
afterAll(() => h.close());

const cell = (m: PingMatrix, key: string) => m.cells.find((c) => `${c.from}>${c.to}` === key)!;
const ids = () => {
  const r = h.store.resources(NAME);
  const id = (step: string) => r.find((x) => x.stepId === step)!.cloudId;
  return { r, id };
};

describe('the ping matrix of the walkthrough', () => {
  let first: PingMatrix;
  it('after apply: measured as in the walkthrough (RTT within 10 %, TTL exact), all as predicted; it is the baseline', async () => {
    const m = afterApply.matrix;
    if (!m?.ok) throw new Error(m ? m.refusal : 'not measured');
    first = m.matrix;
    expect(m.matrix.cells).toHaveLength(6);
    for (const [key, want] of Object.entries(WALKTHROUGH)) {
      const c = cell(m.matrix, key);
      expect({
        key,
        verdict: c.verdict,
        matches: c.matches,
        ttl: c.ttl,
        lossPct: c.lossPct,
        predicted: c.predicted,
      }).toEqual({ key, verdict: 'pass', matches: true, ttl: want.ttl, lossPct: 0, predicted: 'reachable' });
      expect(Math.abs(c.rttAvgMs! - want.rtt) / want.rtt).toBeLessThan(0.1);
    }
    expect(m.record.baseline).toBe(true);
    expect(h.store.baselineOf(NAME)?.id).toBe(m.record.id);
    // The matrix keeps the tunnels it crossed: 4 connections, 2 tunnels each, all up; nothing on a slave.
    expect(m.matrix.tunnels).toHaveLength(4);
    for (const c of m.matrix.tunnels!)
      expect(c.tunnels).toEqual([
        { role: 'master', status: 'ipsec_sa_established', up: true },
        { role: 'slave', status: 'ipsec_sa_established', up: true },
      ]);
    expect(m.matrix.cells.some((c) => c.failover)).toBe(false);
    expect(m.predictions.find((p) => p.from === 'hongkong' && p.to === 'us')!.path).toContain(
      'ipsec ikev1test-hongkong-to-us tunnel master (slave standby)',
    );
    // The pairs across Tokyo <-> Silicon Valley (test bandwidth) were paced, and the matrix says so.
    expect(
      m.matrix.cells
        .filter((c) => c.paced)
        .map((c) => `${c.from}>${c.to}`)
        .sort(),
    ).toEqual(['hongkong>us', 'japan>us', 'us>hongkong', 'us>japan']);
    expect(cell(m.matrix, 'japan>us')).toMatchObject({
      transmitted: 3,
      paced: expect.stringContaining('one a second, 16-byte payload, one pair at a time'),
    });
    expect(cell(m.matrix, 'hongkong>japan')).toMatchObject({ transmitted: 5 });
    expect(cell(m.matrix, 'hongkong>japan').paced).toBeUndefined();
    // One RunCommand per region in the first round (Silicon Valley's turn on the connection among them),
    // then one per turn: Hong Kong's, then Tokyo's.
    expect(h.emu.control.calls.get('RunCommand')).toBe(5);
  });

  it('unpaced, the same matrix loses packets on every pair across the test bandwidth: pacing is what keeps them', async () => {
    const probes = h.store
      .resources(NAME)
      .filter((r) => r.kind === 'ecs-instance')
      .map((r) => ({ site: r.site!, region: r.region, instanceId: r.cloudId, ip: r.outputs.privateIp! }));
    const cells = await measureMatrix(h.cloud.commands, probes, { ...DEFAULT_PING, pacing: s.pacing });
    const lossy = cells
      .filter((c) => c.measured && c.report.lossPct > 0)
      .map((c) => `${c.from}>${c.to}`)
      .sort();
    expect(lossy).toEqual(['hongkong>us', 'japan>us', 'us>hongkong', 'us>japan']);
  });

  it('the advertisement withdrawn: Hong Kong <-> US fail, flagged as mismatches naming the route not advertised; Hong Kong <-> Japan pass', async () => {
    const { r } = ids();
    const publish = r.find((x) => x.kind === 'tr-advertisement')!;
    const cen = r.find((x) => x.kind === 'cen')!.cloudId;
    const japanVpc = r.find((x) => x.stepId === 'vpc:japan')!.cloudId;
    expect(
      breakThing(h.emu.world, {
        action: 'withdraw-route',
        cenId: cen,
        childInstanceId: japanVpc,
        destinationCidrBlock: '192.168.0.0/16',
      }),
    ).toBeUndefined();
    expect(publish).toBeDefined();
    const m = await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    if (!m.ok) throw new Error(m.refusal);
    for (const key of ['hongkong>us', 'us>hongkong']) {
      expect(cell(m.matrix, key)).toMatchObject({
        verdict: 'fail',
        matches: false,
        predicted: 'reachable',
        reason: 'expected via 192.168.0.0/16 advertised to the transit router by japan: it is not advertised now',
      });
    }
    for (const key of ['hongkong>japan', 'japan>hongkong', 'japan>us', 'us>japan'])
      expect(cell(m.matrix, key)).toMatchObject({ verdict: 'pass', matches: true });
    // A scheduled check would alert on exactly the two pairs that regressed.
    expect(
      changesSince(first, m.matrix)
        .regressed.map((c) => `${c.from}>${c.to}`)
        .sort(),
    ).toEqual(['hongkong>us', 'us>hongkong']);
    // Put it back as the apply would (re-publish), for the next cases.
    h.emu.world.cenPublished.length = 0;
    await s.engine.apply(await s.engine.plan(h.store.topology(NAME)!), { requester: 'U1', kind: 'apply' });
    const back = await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    if (!back.ok) throw new Error(back.refusal);
    expect(back.matrix.cells.every((c) => c.verdict === 'pass' && c.matches)).toBe(true);
    expect(changesSince(m.matrix, back.matrix).recovered).toHaveLength(2);
    expect(changesSince(back.matrix, back.matrix)).toEqual({ regressed: [], recovered: [] });
  });

  it('a tunnel taken down: the pairs through it fail, and the mismatch names the tunnel and the IKE log reason', async () => {
    const { r } = ids();
    const conn = r.find(
      (x) => x.kind === 'ipsec-connection' && x.site === 'hongkong' && x.stepId.includes('172.16.0.0/12'),
    )!;
    expect(breakThing(h.emu.world, { action: 'tunnel-down', vpnConnectionId: conn.cloudId })).toBeUndefined();
    const m = await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    if (!m.ok) throw new Error(m.refusal);
    expect(cell(m.matrix, 'hongkong>japan')).toMatchObject({ verdict: 'fail', matches: false });
    expect(cell(m.matrix, 'hongkong>japan').reason).toMatch(
      /^tunnel ikev1test-(hongkong-to-japan|japan-to-hongkong) is down: .*(DPD timeout|peer connection is down)/,
    );
    expect(cell(m.matrix, 'japan>us')).toMatchObject({ verdict: 'pass', matches: true });
    breakThing(h.emu.world, { action: 'tunnel-up', vpnConnectionId: conn.cloudId });
  });

  it('chaos: the master tunnels broken while the matrix is measured: every pair still passes, the ones through the VPN flagged as a failover', async () => {
    const { r } = ids();
    const hongkong = r.filter((x) => x.kind === 'ipsec-connection' && x.site === 'hongkong');
    expect(hongkong).toHaveLength(2);
    const runs = h.emu.control.calls.get('RunCommand') ?? 0;
    const measuring = measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    // Once the first region's probes are pinging, every Hong Kong connection loses its master tunnel.
    while ((h.emu.control.calls.get('RunCommand') ?? 0) === runs) await new Promise((x) => setTimeout(x, 1));
    for (const conn of hongkong)
      expect(
        breakThing(h.emu.world, { action: 'tunnel-down', vpnConnectionId: conn.cloudId, tunnel: 'master' }),
      ).toBeUndefined();
    const m = await measuring;
    if (!m.ok) throw new Error(m.refusal);
    try {
      expect(
        m.matrix.cells.map((c) => [`${c.from}>${c.to}`, c.verdict, c.matches, c.lossPct, c.failover ?? false]),
      ).toEqual([
        ['hongkong>japan', 'pass', true, 0, true],
        ['hongkong>us', 'pass', true, 0, true],
        ['japan>hongkong', 'pass', true, 0, true],
        ['japan>us', 'pass', true, 0, false],
        ['us>hongkong', 'pass', true, 0, true],
        ['us>japan', 'pass', true, 0, false],
      ]);
      expect(cell(m.matrix, 'hongkong>us').reason).toBe(
        'failover: ikev1test-hongkong-to-us runs on its slave tunnel (master ike_sa_not_established)',
      );
      // TTL as before: the slave crosses the same two gateways.
      expect(cell(m.matrix, 'hongkong>us').ttl).toBe(62);
      const states = Object.fromEntries(
        m.matrix.tunnels!.map((c) => [c.name, c.tunnels.map((t) => `${t.role} ${t.up ? 'up' : 'down'}`).join(', ')]),
      );
      expect(states).toEqual({
        'ikev1test-hongkong-to-japan': 'master down, slave up',
        'ikev1test-hongkong-to-us': 'master down, slave up',
        'ikev1test-japan-to-hongkong': 'master down, slave up',
        'ikev1test-us-to-hongkong': 'master down, slave up',
      });
      expect(summarizeMatrix(m.matrix)).toBe(
        '6 of 6 pairs pass, all as predicted, 4 on a standby tunnel (failover), 4 paced for the test bandwidth',
      );
      expect(renderMatrixTable(m.matrix)).toContain(
        'tunnel ikev1test-hongkong-to-us: master down (ike_sa_not_established), slave up',
      );
    } finally {
      for (const conn of hongkong)
        breakThing(h.emu.world, { action: 'tunnel-up', vpnConnectionId: conn.cloudId, tunnel: 'master' });
    }
  });

  it('a security group rule revoked: that pair fails, and the mismatch names the group and the source', async () => {
    const { r } = ids();
    const sg = r.find((x) => x.kind === 'security-group' && x.site === 'us')!.cloudId;
    expect(
      breakThing(h.emu.world, { action: 'revoke-rule', securityGroupId: sg, sourceCidrIp: '172.16.0.0/12' }),
    ).toBeUndefined();
    const m = await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    if (!m.ok) throw new Error(m.refusal);
    expect(cell(m.matrix, 'japan>us')).toMatchObject({
      verdict: 'fail',
      matches: false,
      reason: 'security group of us does not admit ICMP from 172.16.0.0/12',
    });
    expect(cell(m.matrix, 'hongkong>us')).toMatchObject({ verdict: 'pass', matches: true });
  });

  it("history shows each pair's trend, oldest first, the baseline marked", () => {
    const hist = pingHistory(s, NAME);
    if (!hist.ok) throw new Error(hist.refusal);
    const t = hist.trends.find((x) => x.from === 'japan' && x.to === 'us')!;
    expect(t.points[0]).toMatchObject({ baseline: true, trigger: 'apply', verdict: 'pass' });
    expect(t.points.at(-1)).toMatchObject({ verdict: 'fail' });
  });

  it('a row pasted from a host elsewhere joins the latest matrix, marked as pasted; unknown targets are refused', () => {
    const usIp = h.store.resources(NAME).find((x) => x.stepId === 'ecs-instance:us')!.outputs.privateIp!;
    const output = readFileSync(
      join(__dirname, '..', 'fixtures', 'ping', 'seed-hongkong-to-us.txt'),
      'utf8',
    ).replaceAll('10.0.0.231', usIp);
    const r = pastePingRow(s, NAME, 'hongkong', output, { actor: 'U1', at: 42_000 });
    if (!r.ok) throw new Error(r.refusal);
    expect(r.matrix.cells.filter((c) => c.from === 'hongkong')).toEqual([
      expect.objectContaining({
        to: 'us',
        pastedAt: 42_000,
        rttAvgMs: 158.099,
        ttl: 62,
        verdict: 'pass',
        matches: true,
      }),
    ]);
    expect(r.matrix.cells.filter((c) => c.from !== 'hongkong')).toHaveLength(4);
    expect(
      pastePingRow(s, NAME, 'hongkong', output.replaceAll(usIp, '10.9.9.9'), { actor: 'U1', at: 1 }),
    ).toMatchObject({ ok: false, refusal: expect.stringContaining('none of which is a probe') });
    expect(pastePingRow(s, NAME, 'mars', output, { actor: 'U1', at: 1 })).toMatchObject({
      ok: false,
      refusal: expect.stringContaining('no site named "mars"'),
    });
    expect(pastePingRow(s, NAME, 'hongkong', 'hello', { actor: 'U1', at: 1 })).toMatchObject({
      ok: false,
      refusal: expect.stringContaining('no ping output found'),
    });
  });

  it('an agent that is not online is reported as not measured, never as unreachable', async () => {
    const us = h.store.resources(NAME).find((x) => x.stepId === 'ecs-instance:us')!.cloudId;
    const inst = h.emu.world.instances.get(us)!;
    const was = inst.agentOnlineAt;
    inst.agentOnlineAt = Number.MAX_SAFE_INTEGER;
    const m = await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    inst.agentOnlineAt = was;
    if (!m.ok) throw new Error(m.refusal);
    expect(cell(m.matrix, 'us>japan')).toMatchObject({
      verdict: 'unknown',
      matches: true,
      reason: `not measured: Cloud Assistant is not running on ${us}`,
    });
  });

  it('a probe instance deleted behind vpnbot\'s back is said as such, and the matrix is not "all as predicted"', async () => {
    const us = h.store.resources(NAME).find((x) => x.stepId === 'ecs-instance:us')!.cloudId;
    const inst = h.emu.world.instances.get(us)!;
    h.emu.world.instances.delete(us);
    let m: Awaited<ReturnType<typeof measureTopology>>;
    try {
      m = await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1' });
    } finally {
      h.emu.world.instances.set(us, inst);
    }
    if (!m.ok) throw new Error(m.refusal);
    for (const key of ['us>japan', 'japan>us', 'hongkong>us'])
      expect(cell(m.matrix, key)).toMatchObject({
        verdict: 'unknown',
        reason: `not measured: the probe instance ${us} of us no longer exists: /vpn apply ${NAME} recreates it`,
      });
    expect(cell(m.matrix, 'hongkong>japan').verdict).toBe('pass');
    expect(summarizeMatrix(m.matrix)).toBe('2 of 6 pairs pass, 4 not measured, the measured ones as predicted');
  });

  it('refuses what cannot be measured, in words', async () => {
    expect(await measureTopology(s, 'nope', { trigger: 'manual', actor: 'U1' })).toMatchObject({
      ok: false,
      refusal: 'no topology named "nope"; known: ikev1test',
    });
    // Before anything is measured: a front end says it first.
    expect(measureRefusal(s, 'nope')).toBe('no topology named "nope"; known: ikev1test');
    expect(measureRefusal(s, NAME)).toBeUndefined();
    expect(await measureTopology(s, NAME, { trigger: 'manual', actor: 'U1', count: 0 })).toMatchObject({
      ok: false,
      refusal: expect.stringContaining('--count'),
    });
  });
});
