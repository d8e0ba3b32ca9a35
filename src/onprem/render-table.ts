/**
 * The vendor-neutral table: one row per tunnel and CIDR pair, every value the device needs in its
 * own column, separated by spaces (no value holds one), for any device vpnbot has no file for.
 */
import { provenance, type DeviceDescription } from './device-description';

export const TABLE_COLUMNS = [
  'tunnel',
  'role',
  'device-address',
  'cloud-address',
  'pre-shared-key',
  'ike-version',
  'ike-mode',
  'ike-encryption',
  'ike-integrity',
  'ike-dh-group',
  'ike-lifetime-s',
  'local-id',
  'remote-id',
  'dpd',
  'nat-traversal',
  'local-subnet',
  'remote-subnet',
  'esp-encryption',
  'esp-integrity',
  'pfs',
  'esp-lifetime-s',
  'connection',
] as const;

export function renderTable(d: DeviceDescription): string {
  const rows = d.peers.flatMap((p) =>
    p.children.map((c) => [
      c.name,
      p.role,
      p.deviceAddress,
      p.cloudAddress,
      p.psk,
      p.ike.version,
      p.ike.mode,
      p.ike.encryption,
      p.ike.integrity,
      p.ike.dhGroup,
      String(p.ike.lifetimeSeconds),
      p.ike.localId,
      p.ike.remoteId,
      p.dpd ? 'on' : 'off',
      p.natTraversal ? 'on' : 'off',
      c.local.join(','),
      c.remote.join(','),
      c.ipsec.encryption,
      c.ipsec.integrity,
      c.ipsec.pfs,
      String(c.ipsec.lifetimeSeconds),
      c.connectionId,
    ]),
  );
  const all = [[...TABLE_COLUMNS], ...rows];
  const widths = TABLE_COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[
    ...provenance(d, 'vendor-neutral table').map((l) => `# ${l}`),
    "# Algorithms in the cloud's words: aes = AES-128-CBC, sha256 = HMAC-SHA-256, group14 = MODP 2048; one row per IPsec SA.",
    ...all.map(line),
    '',
    `# Routes on the device: ${d.routes.join(', ')} through the master tunnels, the backup ones at a lower preference.`,
  ].join('\n')}\n`;
}
