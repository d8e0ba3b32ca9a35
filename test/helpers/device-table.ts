/**
 * A device configured from the vendor-neutral table vpnbot delivered (what an owner received), as
 * the emulator's control API takes it: the test plays the device from the very file a person gets.
 */
import type { DeviceInput } from '../../src/emulator/server/device-control';

export function deviceFromTable(table: string, publicIp: string): DeviceInput {
  const rows = table
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
  const [header, ...body] = rows;
  const col = (r: string[], name: string) => r[header!.indexOf(name)]!;
  return {
    publicIp,
    tunnels: body.map((r) => ({
      Local: col(r, 'device-address'),
      Remote: col(r, 'cloud-address'),
      LocalSubnet: col(r, 'local-subnet'),
      RemoteSubnet: col(r, 'remote-subnet'),
      IkeConfig: {
        Psk: col(r, 'pre-shared-key'),
        IkeVersion: col(r, 'ike-version'),
        IkeMode: col(r, 'ike-mode'),
        IkeEncAlg: col(r, 'ike-encryption'),
        IkeAuthAlg: col(r, 'ike-integrity'),
        IkePfs: col(r, 'ike-dh-group'),
        IkeLifetime: Number(col(r, 'ike-lifetime-s')),
        LocalId: col(r, 'local-id'),
        RemoteId: col(r, 'remote-id'),
      },
      IpsecConfig: {
        IpsecEncAlg: col(r, 'esp-encryption'),
        IpsecAuthAlg: col(r, 'esp-integrity'),
        IpsecPfs: col(r, 'pfs'),
        IpsecLifetime: Number(col(r, 'esp-lifetime-s')),
      },
    })),
  };
}
