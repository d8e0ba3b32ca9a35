/**
 * `/vpn config` as a use case, on the real store and the emulator: the configuration of an
 * on-premises site's device for each vendor, from what the cloud holds; keys for the site's owners
 * (users, and members of its user groups), masked for everyone else; every delivery audited without
 * the key; a specific refusal for everything that cannot be delivered.
 */
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { deviceConfiguration } from '../../src/app/device-config';
import { decidePlan, proposeTopology } from '../../src/app/use-cases';
import { runToEnd } from '../../src/app/run-to-end';
import { MASKED_KEY } from '../../src/onprem/device-description';
import { LIBRESWAN_SECRETS_MARK } from '../../src/onprem/render-libreswan';
import { TABLE_COLUMNS } from '../../src/onprem/render-table';
import { VENDOR_IDS } from '../../src/onprem/vendors';
import { servicesOf, startHarness, type Harness } from '../helpers/engine-harness';
import { ONPREM_YAML } from '../helpers/topologies';
import {
  checkCisco,
  checkFortios,
  checkJunos,
  checkLibreswan,
  checkPanos,
  checkSwanctl,
  checkTable,
} from '../helpers/vendor-syntax';

let h: Harness;
const s = () => servicesOf(h);
beforeAll(async () => {
  h = await startHarness();
  const policy = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
  const p = await proposeTopology(
    s(),
    { text: ONPREM_YAML, form: 'yaml' },
    { ipsecConnectionQuota: 10 },
    { requester: 'U1', now: Date.now(), policy },
  );
  if (!p.ok) throw new Error(JSON.stringify(p));
  const d = await decidePlan(s(), {
    planId: p.proposal.record.id,
    actor: 'U1',
    decision: 'approve',
    now: Date.now(),
    policy,
  });
  if (!d.ok) throw new Error(d.reason);
  expect((await runToEnd(s(), d.record)).result.status).toBe('succeeded');
});
afterAll(() => h.close());

const keys = () => [h.store.secret('hybrid', 'psk:dc1~hub')!, h.store.secret('hybrid', 'psk:dc1~hub:slave')!];
const ask = (actor: string, vendor = 'strongswan', members?: (g: string) => Promise<readonly string[]>) =>
  deviceConfiguration(s(), {
    topology: 'hybrid',
    site: 'dc1',
    vendor,
    actor,
    to: 'slack direct message',
    now: new Date(),
    keys: 'owners',
    ...(members ? { members } : {}),
  });
const CHECKS = {
  strongswan: checkSwanctl,
  libreswan: (t: string) => checkLibreswan(t, LIBRESWAN_SECRETS_MARK),
  cisco: checkCisco,
  fortios: checkFortios,
  panos: checkPanos,
  junos: checkJunos,
  table: (t: string) => checkTable(t, TABLE_COLUMNS),
};

describe('the configuration of an on-premises device', () => {
  it("an owner gets the keys the cloud holds, in every vendor's syntax, for both tunnels of every CIDR pair", async () => {
    for (const vendor of VENDOR_IDS) {
      const r = await ask('UOWNER1', vendor);
      if (!r.ok) throw new Error(r.refusal);
      expect({ vendor, withKeys: r.withKeys }).toEqual({ vendor, withKeys: true });
      for (const k of keys()) expect({ vendor, key: r.text.includes(k) }).toEqual({ vendor, key: true });
      expect({ vendor, problems: CHECKS[vendor](r.text) }).toEqual({ vendor, problems: [] });
      expect(r.description.peers.map((p) => [p.role, p.children.length])).toEqual([
        ['master', 2],
        ['backup', 2],
      ]);
    }
  });

  it('a member of an owning user group gets the keys; anyone else gets them masked; a group that cannot be read admits nobody', async () => {
    const member = await ask('UMEMBER', 'fortios', async (g) => (g === 'SNETOPS' ? ['UMEMBER'] : []));
    expect(member.ok && member.withKeys).toBe(true);
    for (const r of [
      await ask('USTRANGER', 'fortios', async () => ['UOTHER']),
      await ask('UMEMBER', 'fortios', async () => {
        throw new Error('usergroups.users.list failed');
      }),
    ]) {
      if (!r.ok) throw new Error(r.refusal);
      expect(r.withKeys).toBe(false);
      expect(r.masked).toBe('only the owners of dc1 receive its keys');
      for (const k of keys()) expect(r.text).not.toContain(k);
      expect(r.text).toContain(MASKED_KEY);
    }
  });

  it('every delivery is audited, with or without keys, and no audit entry holds a key', async () => {
    const before = h.store.auditLog(1000).length;
    await ask('UOWNER1', 'junos');
    await ask('USTRANGER', 'junos');
    const entries = h.store.auditLog(1000).slice(0, h.store.auditLog(1000).length - before);
    expect(entries.map((e) => [e.actor, e.action, e.detail.site, e.detail.vendor, e.detail.to]).reverse()).toEqual([
      ['UOWNER1', 'config.delivered-with-keys', 'dc1', 'junos', 'slack direct message'],
      ['USTRANGER', 'config.delivered-masked', 'dc1', 'junos', 'slack direct message'],
    ]);
    const all = JSON.stringify(h.store.auditLog(1000));
    for (const k of keys()) expect(all).not.toContain(k);
  });

  it('refuses, saying what to do, an unknown topology, site or vendor, and a site in the cloud', async () => {
    const refusal = async (o: { topology?: string; site?: string; vendor?: string }) => {
      const r = await deviceConfiguration(s(), {
        topology: o.topology ?? 'hybrid',
        site: o.site ?? 'dc1',
        vendor: o.vendor ?? 'table',
        actor: 'UOWNER1',
        to: 'x',
        now: new Date(),
        keys: 'owners',
      });
      return r.ok ? 'delivered' : r.refusal;
    };
    expect(await refusal({ topology: 'nosuch' })).toBe('no topology named "nosuch"; known: hybrid');
    expect(await refusal({ site: 'nosuch' })).toBe('"hybrid" has no site named "nosuch"; its on-premises sites: dc1');
    expect(await refusal({ site: 'hub' })).toBe(
      '"hub" is in the cloud: vpnbot configures both ends of its tunnels itself; its on-premises sites: dc1',
    );
    expect(await refusal({ vendor: 'mikrotik' })).toBe(
      'vpnbot writes no configuration for "mikrotik"; it writes strongswan, libreswan, cisco, fortios, panos, junos, table',
    );
  });
});
