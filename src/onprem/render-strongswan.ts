/**
 * strongSwan, swanctl.conf (swanctl.conf(5), strongSwan 5.x): one IKEv1 main-mode connection per
 * peer (the cloud's master and backup addresses), a child SA per CIDR pair, PSK secrets keyed by
 * the pair of addresses. The device initiates (start_action = start) and restarts after DPD.
 */
import {
  DPD_SECONDS,
  DPD_TIMEOUT_SECONDS,
  provenance,
  type DeviceDescription,
  type DevicePeer,
} from './device-description';
import { vendorName } from './vendor-names';

const proposal = (enc: string, integ: string, dh: string | undefined) =>
  [vendorName('strongswan', 'ikeEncryption', enc), vendorName('strongswan', 'ikeIntegrity', integ), dh]
    .filter(Boolean)
    .join('-');

function peerLines(p: DevicePeer): string[] {
  const ike = proposal(p.ike.encryption, p.ike.integrity, vendorName('strongswan', 'dhGroup', p.ike.dhGroup));
  const out = [
    `  ${p.name} {`,
    `    # ${p.role} tunnel: ${p.children.map((c) => `${c.connectionName} (${c.connectionId}, tunnel ${c.tunnelId})`).join(', ')}`,
    '    version = 1',
    `    aggressive = ${p.ike.mode === 'aggressive' ? 'yes' : 'no'}`,
    `    local_addrs = ${p.deviceAddress}`,
    `    remote_addrs = ${p.cloudAddress}`,
    `    proposals = ${ike}`,
    // IKEv1 SAs are re-authenticated, not rekeyed: the IKE lifetime is their rekey time.
    `    rekey_time = ${p.ike.lifetimeSeconds}s`,
    '    reauth_time = 0',
    ...(p.dpd ? [`    dpd_delay = ${DPD_SECONDS}s`, `    dpd_timeout = ${DPD_TIMEOUT_SECONDS}s`] : []),
    `    encap = no`,
    `    local {`,
    '      auth = psk',
    `      id = ${p.ike.localId}`,
    '    }',
    '    remote {',
    '      auth = psk',
    `      id = ${p.ike.remoteId}`,
    '    }',
    '    children {',
  ];
  for (const c of p.children) {
    const pfs = c.ipsec.pfs === 'disabled' ? undefined : vendorName('strongswan', 'dhGroup', c.ipsec.pfs);
    const esp = [
      vendorName('strongswan', 'espEncryption', c.ipsec.encryption),
      vendorName('strongswan', 'espIntegrity', c.ipsec.integrity),
      pfs,
    ]
      .filter(Boolean)
      .join('-');
    out.push(
      `      ${c.name} {`,
      `        local_ts = ${c.local.join(',')}`,
      `        remote_ts = ${c.remote.join(',')}`,
      `        esp_proposals = ${esp}`,
      `        life_time = ${c.ipsec.lifetimeSeconds}s`,
      // Rekey before the cloud's lifetime runs out (strongSwan's own default ratio).
      `        rekey_time = ${Math.round(c.ipsec.lifetimeSeconds * 0.9)}s`,
      '        start_action = start',
      ...(p.dpd ? ['        dpd_action = restart'] : []),
      '      }',
    );
  }
  out.push('    }', '  }');
  return out;
}

export function renderStrongswan(d: DeviceDescription): string {
  const lines = [
    ...provenance(d, 'strongSwan swanctl.conf').map((l) => `# ${l}`),
    `# Put it in /etc/swanctl/conf.d/ and run: swanctl --load-all`,
    '',
    'connections {',
    ...d.peers.flatMap(peerLines),
    '}',
    '',
    'secrets {',
    ...d.peers.flatMap((p) => [
      `  ike-${p.name} {`,
      `    id-device = ${p.ike.localId}`,
      `    id-cloud = ${p.ike.remoteId}`,
      `    secret = "${p.psk}"`,
      '  }',
    ]),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
