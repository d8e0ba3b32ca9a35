/**
 * Key rotation as use cases, on the real store and the emulator: proposed as a plan through
 * approval, run one key at a time (the masters' before the slaves'), the ping matrix green between
 * the steps and in the middle of one (the other tunnel carries the traffic); every connection
 * between the same two addresses gets the pair's one new key. A device must take its new key itself:
 * the rotation waits for it, and stops, the backups still carrying, when it does not.
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { deviceConfiguration } from '../../src/app/device-config';
import { checkDeviceWaits } from '../../src/app/device-bring-up';
import { proposeRotation } from '../../src/app/key-rotation';
import { measureTopology, type MeasureResult } from '../../src/app/ping-use-cases';
import { playedDevice } from '../../src/app/play-device';
import { runToEnd } from '../../src/app/run-to-end';
import { decidePlan, proposeTopology, type ProposalResult } from '../../src/app/use-cases';
import type { EngineEvent } from '../../src/engine/engine-events';
import { servicesOf, startHarness, type Harness } from '../helpers/engine-harness';
import { ONPREM_YAML } from '../helpers/topologies';

let h: Harness;
let s: AppServices;
beforeEach(async () => {
  h = await startHarness();
  s = servicesOf(h);
});
afterEach(() => h.close());

const policy = DEFAULT_APPROVAL_POLICY;
async function approveAndRun(p: ProposalResult, onEvent?: (e: EngineEvent) => void) {
  if (!p.ok) throw new Error(JSON.stringify(p));
  const d = await decidePlan(s, {
    planId: p.proposal.record.id,
    actor: 'U2',
    decision: 'approve',
    now: Date.now(),
    policy,
  });
  if (!d.ok) throw new Error(d.reason);
  return runToEnd(s, d.record, onEvent ? { onEvent } : {});
}
const apply = async (text: string, form: 'line' | 'yaml') =>
  approveAndRun(
    await proposeTopology(
      s,
      { text, form },
      { ipsecConnectionQuota: 10 },
      { requester: 'U1', now: Date.now(), policy },
    ),
  );
/** Each tunnel's key in the cloud, by connection name and role. */
const cloudKeys = () =>
  Object.fromEntries(
    [...h.emu.world.vpnConnections.values()].flatMap((c) =>
      (c.tunnels ?? []).map((t) => [`${c.name} ${t.role}`, t.ike.Psk]),
    ),
  );
const green = (m: MeasureResult) => m.ok && m.matrix.cells.every((c) => c.verdict !== 'fail' && c.matches);

describe('key rotation', () => {
  it('the seed: master keys, then slave keys, the matrix green between them and in the middle of each', async () => {
    expect((await apply('seed', 'line')).matrix?.ok).toBe(true);
    const before = cloudKeys();
    const p = await proposeRotation(s, 'ikev1test', undefined, { requester: 'U1', now: Date.now(), policy });
    if (!p.ok) throw new Error(JSON.stringify(p));
    const r = p.proposal.record;
    expect(r.rotation!.stages.map((st) => [st.secret, st.role, st.connections.length])).toEqual([
      ['psk:hongkong~japan', 'master', 4],
      ['psk:hongkong~japan:slave', 'slave', 4],
    ]);
    expect(r.text).toContain('1. a new master key between hongkong and japan: 4 connections');
    expect(r.text).toContain('traffic stays on the slave tunnels meanwhile');
    expect(r.plan.summary).toEqual({ create: 0, adopt: 0, keep: 4, delete: 0 });

    // Measured again while the first key is half rotated (two of four connections): the slaves carry it.
    let midway: Promise<MeasureResult> | undefined;
    let set = 0;
    const events: EngineEvent[] = [];
    const outcome = await approveAndRun(p, (e) => {
      events.push(e);
      if (e.type === 'step-waiting' && e.detail === 'new master key set' && ++set === 2)
        midway = measureTopology(s, 'ikev1test', { trigger: 'manual', actor: 'test' });
    });
    expect(outcome.result).toMatchObject({ kind: 'rotate', status: 'succeeded', failures: [] });
    const during = await midway!;
    expect(green(during)).toBe(true);
    expect(during.ok && during.matrix.cells.filter((c) => c.failover).length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'run-note').map((e) => (e as { note: string }).note)).toEqual([
      '1/2: the master key of hongkong and japan rotated; the ping matrix is green (6 pairs as predicted)',
      '2/2: the slave key of hongkong and japan rotated; the ping matrix is green (6 pairs as predicted)',
    ]);
    const checks = h.store.measurements('ikev1test', 10).filter((m) => m.trigger === 'rotation');
    expect(checks).toHaveLength(2);
    for (const m of checks) expect(m.matrix.cells.every((c) => c.verdict === 'pass')).toBe(true);
    // One new key per pair of addresses, on every connection between them, as stored.
    const after = cloudKeys();
    for (const [tunnel, key] of Object.entries(after))
      expect({ tunnel, same: key === before[tunnel] }).toEqual({ tunnel, same: false });
    expect(
      new Set(
        Object.entries(after)
          .filter(([t]) => t.endsWith('master'))
          .map(([, k]) => k),
      ),
    ).toEqual(new Set([h.store.secret('ikev1test', 'psk:hongkong~japan')]));
    expect(
      new Set(
        Object.entries(after)
          .filter(([t]) => t.endsWith('slave'))
          .map(([, k]) => k),
      ),
    ).toEqual(new Set([h.store.secret('ikev1test', 'psk:hongkong~japan:slave')]));
    expect(h.store.auditLog(100).filter((e) => e.action === 'key.rotated')).toHaveLength(2);
    expect(JSON.stringify(h.store.auditLog(100))).not.toContain(after['ikev1test-hongkong-to-japan master']);
    expect(h.store.runs('ikev1test', 1)[0]).toMatchObject({ kind: 'rotate', status: 'succeeded' });
  });

  it('an on-premises device: the rotation waits for it to take each new key; when it does not, it stops with the backups carrying', async () => {
    await apply(ONPREM_YAML, 'yaml');
    const device = async () => {
      const r = await deviceConfiguration(s, {
        topology: 'hybrid',
        site: 'dc1',
        actor: 'UOWNER1',
        to: 'test',
        now: new Date(),
        keys: 'always',
      });
      if (!r.ok) throw new Error(r.refusal);
      h.emu.setDevice(playedDevice(r.description, 'right') as never);
    };
    await device();
    for (
      let i = 0;
      i < 50 && !(await checkDeviceWaits(s, { now: Date.now(), diagnoseAfterMs: 1e9 })).some((u) => u.complete);
      i++
    )
      await new Promise((r) => setTimeout(r, 20));

    // The owners fetch the new key and configure it as soon as the rotation says it waits for them.
    const p = await proposeRotation(s, 'hybrid', 'dc1', { requester: 'U1', now: Date.now(), policy });
    const notes: string[] = [];
    const outcome = await approveAndRun(p, (e) => {
      if (e.type !== 'run-note') return;
      notes.push(e.note);
      if (e.note.startsWith("waiting for dc1's device")) void device();
    });
    expect(outcome.result.status).toBe('succeeded');
    expect(notes).toEqual([
      "waiting for dc1's device to take the new master key: its owners get it with /vpn config hybrid dc1",
      '1/2: the master key of dc1 and hub rotated; the ping matrix is green (2 pairs as predicted)',
      "waiting for dc1's device to take the new slave key: its owners get it with /vpn config hybrid dc1",
      '2/2: the slave key of dc1 and hub rotated; the ping matrix is green (2 pairs as predicted)',
    ]);

    // Nobody configures the device this time: the master stage stops; the slaves keep their key and carry.
    const slaveKey = h.store.secret('hybrid', 'psk:dc1~hub:slave');
    s = { ...s, deviceKeyWaitMs: 300 };
    const stopped = await approveAndRun(
      await proposeRotation(s, 'hybrid', 'dc1', { requester: 'U1', now: Date.now(), policy }),
    );
    expect(stopped.result.status).toBe('failed');
    expect(stopped.result.failures[0]).toMatchObject({
      code: 'engine.tunnel-down',
      message: expect.stringContaining("dc1's device has not taken it: /vpn config gives its owners the new key"),
    });
    expect(stopped.result.failures[0]!.message).toContain('pre-shared key mismatch');
    expect(h.store.secret('hybrid', 'psk:dc1~hub:slave')).toBe(slaveKey);
    const tunnels = [...h.emu.world.vpnConnections.values()].flatMap((c) => c.tunnels ?? []);
    expect(new Set(tunnels.filter((t) => t.role === 'slave').map((t) => t.ike.Psk))).toEqual(new Set([slaveKey]));
  });

  it('is refused, saying why, for an unknown topology or site and a cloud that does not match the topology', async () => {
    const refusal = async (name: string, site?: string) => {
      const r = await proposeRotation(s, name, site, { requester: 'U1', now: Date.now(), policy });
      return r.ok ? 'proposed' : 'refusal' in r ? r.refusal : 'problems';
    };
    expect(await refusal('nosuch')).toBe('no topology named "nosuch": nothing has been applied yet');
    await apply('seed', 'line');
    expect(await refusal('ikev1test', 'mars')).toBe(
      '"ikev1test" has no site named "mars"; its sites: hongkong, japan, us',
    );
    h.emu.world.vpnConnections.delete([...h.emu.world.vpnConnections.keys()][0]!);
    expect(await refusal('ikev1test')).toMatch(/^the cloud does not match "ikev1test" \(1 to create, 0 to delete\)/);
  });
});
