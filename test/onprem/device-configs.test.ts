/**
 * The device configurations of every vendor, from one vendor-neutral description: each is compared
 * with its golden file (test/fixtures/device-configs/; VPNBOT_UPDATE_GOLDEN=1 rewrites them after a
 * deliberate change) and checked against its vendor's documented syntax (helpers/vendor-syntax.ts).
 * The description itself: two peers (master, backup), a child per CIDR pair, one key per pair of
 * addresses, refused when the cloud holds something no device can bring up.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerConfiguration, PeerTunnel } from '../../src/cloud/cloud-api';
import { describeDevice, maskKeys, MASKED_KEY, type DeviceDescription } from '../../src/onprem/device-description';
import { LIBRESWAN_SECRETS_MARK } from '../../src/onprem/render-libreswan';
import { TABLE_COLUMNS } from '../../src/onprem/render-table';
import { VENDOR_IDS, VENDORS, vendorOf, type VendorId } from '../../src/onprem/vendors';
import {
  checkCisco,
  checkFortios,
  checkJunos,
  checkLibreswan,
  checkPanos,
  checkSwanctl,
  checkTable,
} from '../helpers/vendor-syntax';

const GOLDEN = join(__dirname, '..', 'fixtures', 'device-configs');
const DEVICE = '203.0.113.10';
const MASTER = '47.74.25.32';
const BACKUP = '47.74.25.33';
const KEYS = { master: 'Qx7mRt2vKp9wLs4nHy6jBc3dFg8zTa5e', slave: 'Mn4bVc8xZl2kJh6gFd9sAp3oIu7yTr5w' };

const tunnel = (role: 'master' | 'slave', id: string, over: Partial<PeerTunnel> = {}): PeerTunnel => ({
  role,
  id,
  deviceAddress: DEVICE,
  cloudAddress: role === 'master' ? MASTER : BACKUP,
  psk: KEYS[role],
  ike: {
    version: 'ikev1',
    mode: 'main',
    encryption: 'aes',
    integrity: 'sha256',
    dhGroup: 'group14',
    lifetimeSeconds: 86400,
    localId: DEVICE,
    remoteId: role === 'master' ? MASTER : BACKUP,
  },
  ipsec: { encryption: 'aes', integrity: 'sha256', pfs: 'group14', lifetimeSeconds: 86400 },
  dpd: true,
  natTraversal: true,
  status: 'ike_sa_not_established',
  up: false,
  ...over,
});
const connection = (n: number, cloud: string, tunnels?: PeerTunnel[]): PeerConfiguration => ({
  connectionId: `vco-000000000000000${n}`,
  name: `hybrid-${cloud === '172.16.0.0/12' ? 'hub' : 'spoke'}-to-dc1`,
  gatewayId: 'vpn-0000000000000001',
  deviceSubnets: ['192.168.0.0/16'],
  cloudSubnets: [cloud],
  tunnels: tunnels ?? [tunnel('master', `tun-m${n}`), tunnel('slave', `tun-s${n}`)],
});
const input = (connections: PeerConfiguration[]) => ({
  topology: 'hybrid',
  site: 'dc1',
  hub: 'hub',
  deviceAddress: DEVICE,
  generatedAt: new Date('2026-03-01T09:30:00.000Z'),
  cloud: 'Alibaba Cloud',
  connections,
});
const described = (connections = [connection(1, '172.16.0.0/12'), connection(2, '10.0.0.0/8')]) => {
  const r = describeDevice(input(connections));
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.description;
};

const CHECKS: Record<VendorId, (text: string) => string[]> = {
  strongswan: checkSwanctl,
  libreswan: (t) => checkLibreswan(t, LIBRESWAN_SECRETS_MARK),
  cisco: checkCisco,
  fortios: checkFortios,
  panos: checkPanos,
  junos: checkJunos,
  table: (t) => checkTable(t, TABLE_COLUMNS),
};
const GOLDEN_FILES: Record<VendorId, string> = {
  strongswan: 'strongswan.swanctl.conf',
  libreswan: 'libreswan.conf',
  cisco: 'cisco-ios-xe.txt',
  fortios: 'fortios.conf',
  panos: 'pan-os.txt',
  junos: 'junos.txt',
  table: 'table.txt',
};

describe('the vendor-neutral description', () => {
  it('has a master and a backup peer, each with a child SA per CIDR pair, and says what it was made from', () => {
    const d = described();
    expect(d.peers.map((p) => [p.name, p.role, p.cloudAddress, p.psk, p.children.map((c) => c.remote.join())])).toEqual(
      [
        ['hub-master', 'master', MASTER, KEYS.master, ['172.16.0.0/12', '10.0.0.0/8']],
        ['hub-backup', 'backup', BACKUP, KEYS.slave, ['172.16.0.0/12', '10.0.0.0/8']],
      ],
    );
    expect(d.routes).toEqual(['172.16.0.0/12', '10.0.0.0/8']);
    expect(d.source).toBe(
      'Alibaba Cloud: DownloadVpnConnectionConfig of vco-0000000000000001, vco-0000000000000002 on VPN gateway vpn-0000000000000001',
    );
  });

  it('is refused when connections between the same addresses hold different keys or IKE settings', () => {
    const other = connection(2, '10.0.0.0/8', [
      tunnel('master', 'tun-m2', { psk: 'another-key-for-the-same-addresses' }),
      tunnel('slave', 'tun-s2', { ike: { ...tunnel('slave', 'x').ike, encryption: 'aes256' } }),
    ]);
    const r = describeDevice(input([connection(1, '172.16.0.0/12'), other]));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      expect.stringContaining(`hold different pre-shared keys between ${DEVICE} and ${MASTER}`),
      expect.stringContaining(`differ in their IKE settings between ${DEVICE} and ${BACKUP}`),
    ]);
    expect(!r.ok && r.problems[0]).toContain('/vpn rotate hybrid dc1');
    const none = describeDevice(input([]));
    expect(!none.ok && none.problems[0]).toContain('apply the topology first');
  });

  it('masked, it holds no key, in any vendor', () => {
    const m = maskKeys(described());
    for (const id of VENDOR_IDS) {
      const text = VENDORS[id].render(m);
      for (const k of Object.values(KEYS)) expect({ id, leaks: text.includes(k) }).toEqual({ id, leaks: false });
      expect(text).toContain(MASKED_KEY);
      expect(text).toContain('The pre-shared keys are masked');
      expect({ id, problems: CHECKS[id](text) }).toEqual({ id, problems: [] });
    }
  });

  it('names vendors as people type them', () => {
    expect(vendorOf('FortiGate')?.id).toBe('fortios');
    expect(vendorOf('palo-alto')?.id).toBe('panos');
    expect(vendorOf('srx')?.id).toBe('junos');
    expect(vendorOf('neutral')?.id).toBe('table');
    expect(vendorOf('mikrotik')).toBeUndefined();
  });
});

describe.each(VENDOR_IDS)('the %s file', (id) => {
  const d: DeviceDescription = described();
  const text = VENDORS[id].render(d);

  it('is its golden file, byte for byte', () => {
    const path = join(GOLDEN, GOLDEN_FILES[id]);
    if (process.env.VPNBOT_UPDATE_GOLDEN === '1') writeFileSync(path, text);
    expect(text).toBe(readFileSync(path, 'utf8'));
  });

  it("reads as its vendor's syntax, says what it was generated from and when, and carries every tunnel", () => {
    expect(CHECKS[id](text)).toEqual([]);
    expect(text).toContain('Generated 2026-03-01T09:30:00.000Z from what the cloud holds');
    expect(text).toContain('vco-0000000000000001');
    for (const address of [MASTER, BACKUP, DEVICE, KEYS.master, KEYS.slave]) expect(text).toContain(address);
    expect(VENDORS[id].fileName(d)).toMatch(/^vpnbot-hybrid-dc1\./);
  });

  it('a single-tunnel gateway (one peer) and no PFS still read as its syntax', () => {
    const single = described([
      connection(1, '172.16.0.0/12', [
        tunnel('master', 'vco-0000000000000001', {
          ipsec: { encryption: 'aes256', integrity: 'sha1', pfs: 'disabled', lifetimeSeconds: 3600 },
        }),
      ]),
    ]);
    expect(single.peers).toHaveLength(1);
    expect(CHECKS[id](VENDORS[id].render(single))).toEqual([]);
  });

  it('the check is not a formality: a misspelt keyword fails it', () => {
    const broken = text.replace(/(proposal|encryption|esp_proposals|phase2alg|hash|ike-version|dpd)/, 'ikeproposal');
    expect(broken).not.toBe(text);
    if (id !== 'table') expect(CHECKS[id](broken)).not.toEqual([]);
    else expect(CHECKS[id](text.replace('remote-subnet', 'remote-net'))).not.toEqual([]);
  });
});
