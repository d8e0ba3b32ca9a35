/**
 * The bring-up that waits for a data centre's device, as use cases on the real store and the
 * emulator: an apply of an on-premises DC, a hub and a spoke ends waiting for the device (not
 * failed, no matrix yet); the device played through the emulator ticks its tunnels off, and the
 * matrix follows when all are up; a device configured with a mistake gets that mistake diagnosed
 * from what the cloud reports, once, and again only when it changes.
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { checkDeviceWaits } from '../../src/app/device-bring-up';
import { playDevice, type DeviceMistake } from '../../src/app/play-device';
import { runToEnd, type RunOutcome } from '../../src/app/run-to-end';
import { decidePlan, proposeTopology, statusOf } from '../../src/app/use-cases';
import { servicesOf, startHarness, type Harness } from '../helpers/engine-harness';
import { ONPREM_YAML } from '../helpers/topologies';

let h: Harness;
let s: AppServices;
beforeEach(async () => {
  h = await startHarness();
  s = {
    ...servicesOf(h),
    control: {
      playDevice: async (d) => {
        try {
          h.emu.setDevice(d as never);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
      setTunnel: async () => 'not used here',
      withdrawPublishedRoute: async () => 'not used here',
    },
  };
});
afterEach(() => h.close());

async function applyOnPremises(): Promise<RunOutcome> {
  const policy = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
  const p = await proposeTopology(
    s,
    { text: ONPREM_YAML, form: 'yaml' },
    { ipsecConnectionQuota: 10 },
    { requester: 'U1', now: Date.now(), policy },
  );
  if (!p.ok) throw new Error(JSON.stringify(p));
  const d = await decidePlan(s, {
    planId: p.proposal.record.id,
    actor: 'U1',
    decision: 'approve',
    now: Date.now(),
    policy,
  });
  if (!d.ok) throw new Error(d.reason);
  return runToEnd(s, d.record, { thread: { channel: 'C1', ts: '1.0' } });
}

const play = (mistake: DeviceMistake) =>
  playDevice(s, { topology: 'hybrid', site: 'dc1', mistake, actor: 'U1', now: new Date() });
/** Checks until `done` holds (tunnels negotiate for a moment once the device is configured). */
async function checkUntil(done: (u: Awaited<ReturnType<typeof checkDeviceWaits>>) => boolean, diagnoseAfterMs = 0) {
  const seen: Awaited<ReturnType<typeof checkDeviceWaits>> = [];
  for (let i = 0; i < 100; i++) {
    seen.push(...(await checkDeviceWaits(s, { now: Date.now(), diagnoseAfterMs })));
    if (done(seen)) return seen;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not done after 100 checks: ${JSON.stringify(seen.map((u) => u.wait.tunnels))}`);
}

describe('the bring-up of an on-premises device', () => {
  it('the apply ends waiting for the device; played right, its four tunnels tick off and the matrix follows', async () => {
    const outcome = await applyOnPremises();
    expect(outcome.result.status).toBe('succeeded');
    expect(outcome.matrix).toBeUndefined();
    expect(
      outcome.waitingFor!.map((w) => [w.site, w.deviceAddress, w.tunnels.length, w.tunnels.filter((t) => t.up).length]),
    ).toEqual([['dc1', '203.0.113.10', 4, 0]]);
    expect(outcome.waitingFor![0]!.tunnels.map((t) => [t.connection, t.role])).toEqual([
      ['hybrid-hub-to-dc1', 'master'],
      ['hybrid-hub-to-dc1', 'slave'],
      ['hybrid-spoke-to-dc1', 'master'],
      ['hybrid-spoke-to-dc1', 'slave'],
    ]);
    expect(statusOf(s, ['hybrid']).topologies[0]!.waiting).toEqual([{ site: 'dc1', up: 0, total: 4 }]);
    // Nothing changes before the device is configured, and nothing is diagnosed before its time.
    expect(await checkDeviceWaits(s, { now: Date.now(), diagnoseAfterMs: 60_000 })).toEqual([]);

    expect(await play('right')).toEqual({ ok: true, tunnels: 4 });
    const updates = await checkUntil((u) => u.some((x) => x.complete));
    expect(updates.flatMap((u) => u.ticked).length).toBe(4);
    const last = updates.at(-1)!;
    expect(last.diagnoses).toEqual([]);
    expect(last.matrix?.ok).toBe(true);
    expect(last.matrix?.ok && last.matrix.record).toMatchObject({ trigger: 'apply', baseline: true });
    expect(last.matrix?.ok && last.matrix.matrix.cells.map((c) => [c.from, c.to, c.verdict])).toEqual([
      ['hub', 'spoke', 'pass'],
      ['spoke', 'hub', 'pass'],
    ]);
    expect(s.store.openDeviceWaits()).toEqual([]);
    expect(statusOf(s, ['hybrid']).topologies[0]!.waiting).toEqual([]);
    expect(h.store.auditLog().map((e) => e.action)).toEqual(expect.arrayContaining(['device.waiting', 'device.up']));
    // Waiting is over: a check has nothing more to say.
    expect(await checkDeviceWaits(s, { now: Date.now(), diagnoseAfterMs: 0 })).toEqual([]);
  });

  it('each mistake is diagnosed from what the cloud reports, once while it lasts; the backup tunnels come up meanwhile', async () => {
    await applyOnPremises();
    const expected: [DeviceMistake, string][] = [
      ['wrong-peer-ip', 'wrong peer IP'],
      ['psk-mismatch', 'PSK mismatch'],
      ['proposal-mismatch', 'proposal mismatch'],
    ];
    for (const [mistake, words] of expected) {
      expect(await play(mistake)).toEqual({ ok: true, tunnels: 4 });
      const updates = await checkUntil((u) =>
        u.some((x) => x.diagnoses.filter((d) => d.diagnosis.words.includes(words)).length === 2),
      );
      const found = updates.flatMap((u) => u.diagnoses).filter((d) => d.diagnosis.words.includes(words));
      expect({ mistake, roles: found.map((d) => d.tunnel.role) }).toEqual({ mistake, roles: ['master', 'master'] });
      expect({ mistake, kind: found[0]!.diagnosis.kind }).toEqual({ mistake, kind: mistake });
      // The same diagnosis is not said twice.
      const again = await checkDeviceWaits(s, { now: Date.now(), diagnoseAfterMs: 0 });
      expect(again.flatMap((u) => u.diagnoses)).toEqual([]);
      expect(s.store.deviceWait('hybrid', 'dc1')!.tunnels.map((t) => [t.role, t.up])).toEqual([
        ['master', false],
        ['slave', true],
        ['master', false],
        ['slave', true],
      ]);
    }
    const wrongPeer = s.store.auditLog(100).filter((e) => e.action === 'config.delivered-with-keys');
    expect(wrongPeer.map((e) => e.detail.to)).toEqual(
      expect.arrayContaining(['the emulated device (wrong-peer-ip)', 'the emulated device (psk-mismatch)']),
    );
    expect(await play('right')).toEqual({ ok: true, tunnels: 4 });
    await checkUntil((u) => u.some((x) => x.complete));
  });

  it('a wait whose connections are gone (the topology destroyed) ends without a word', async () => {
    await applyOnPremises();
    for (const c of [...h.emu.world.vpnConnections.values()]) h.emu.world.vpnConnections.delete(c.id);
    expect(await checkDeviceWaits(s, { now: Date.now(), diagnoseAfterMs: 0 })).toEqual([]);
    expect(s.store.openDeviceWaits()).toEqual([]);
  });
});
