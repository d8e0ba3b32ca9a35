/**
 * The sandbox plays a data centre's device (`/device` in the console, the demo): it is configured
 * from the same description a real device's file is written from, keys and all, right or with one
 * mistake on its master tunnel, through the emulator's control API. Only an emulator can do this.
 */
import type { PlayedDevice } from '../cloud/cloud-api';
import type { DeviceDescription } from '../onprem/device-description';
import type { AppServices } from './app-services';
import { deviceConfiguration } from './device-config';

/** What the played device gets wrong, on its master tunnel; `right` for nothing. */
export const DEVICE_MISTAKES = ['right', 'wrong-peer-ip', 'psk-mismatch', 'proposal-mismatch'] as const;
export type DeviceMistake = (typeof DEVICE_MISTAKES)[number];

/** An address no gateway has (TEST-NET-2): where a mistyped peer points. */
const WRONG_PEER = '198.51.100.77';

/** The control API's device, as the description says; `mistake` on the master peer. */
export function playedDevice(d: DeviceDescription, mistake: DeviceMistake): PlayedDevice {
  return {
    publicIp: d.deviceAddress,
    tunnels: d.peers.flatMap((p) => {
      const wrong = p.role === 'master' ? mistake : 'right';
      const remote = wrong === 'wrong-peer-ip' ? WRONG_PEER : p.cloudAddress;
      return p.children.map((c) => ({
        Local: p.deviceAddress,
        Remote: remote,
        LocalSubnet: c.local.join(','),
        RemoteSubnet: c.remote.join(','),
        IkeConfig: {
          Psk: wrong === 'psk-mismatch' ? `${p.psk}-not` : p.psk,
          IkeVersion: p.ike.version,
          IkeMode: p.ike.mode,
          IkeEncAlg:
            wrong === 'proposal-mismatch' ? (p.ike.encryption === 'aes256' ? 'aes' : 'aes256') : p.ike.encryption,
          IkeAuthAlg: p.ike.integrity,
          IkePfs: p.ike.dhGroup,
          IkeLifetime: p.ike.lifetimeSeconds,
          LocalId: p.ike.localId,
          RemoteId: wrong === 'wrong-peer-ip' ? WRONG_PEER : p.ike.remoteId,
        },
        IpsecConfig: {
          IpsecEncAlg: c.ipsec.encryption,
          IpsecAuthAlg: c.ipsec.integrity,
          IpsecPfs: c.ipsec.pfs,
          IpsecLifetime: c.ipsec.lifetimeSeconds,
        },
      }));
    }),
  };
}

export async function playDevice(
  s: AppServices,
  request: { topology: string; site: string; mistake: DeviceMistake; actor: string; now: Date },
): Promise<{ ok: true; tunnels: number } | { ok: false; refusal: string }> {
  if (!s.control)
    return {
      ok: false,
      refusal: 'only the sandbox (or `vpnbot emulator`) can play a device: a real one is configured by its owners',
    };
  const r = await deviceConfiguration(s, {
    topology: request.topology,
    site: request.site,
    actor: request.actor,
    to: `the emulated device (${request.mistake})`,
    now: request.now,
    keys: 'always',
  });
  if (!r.ok) return r;
  const device = playedDevice(r.description, request.mistake);
  const error = await s.control.playDevice(device);
  return error ? { ok: false, refusal: error } : { ok: true, tunnels: device.tunnels.length };
}
