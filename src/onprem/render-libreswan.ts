/**
 * Libreswan 4.x (ipsec.conf(5), ipsec.secrets(5)): one `conn` per CIDR pair and peer, IKEv1 main
 * mode with a pre-shared key per pair of addresses. Two files in one: the conn sections, then the
 * secrets, each under its path.
 */
import {
  DPD_SECONDS,
  DPD_TIMEOUT_SECONDS,
  provenance,
  type DeviceDescription,
  type DevicePeer,
} from './device-description';
import { vendorName } from './vendor-names';

/** Where the secrets part starts: the line the structural check and a person split the file at. */
export const LIBRESWAN_SECRETS_MARK = '# ---- ipsec.secrets part:';

function conns(p: DevicePeer): string[] {
  const ike = [
    vendorName('libreswan', 'ikeEncryption', p.ike.encryption),
    vendorName('libreswan', 'ikeIntegrity', p.ike.integrity),
    vendorName('libreswan', 'dhGroup', p.ike.dhGroup),
  ].join('-');
  return p.children.flatMap((c) => {
    const pfs = c.ipsec.pfs !== 'disabled';
    const esp = [
      vendorName('libreswan', 'espEncryption', c.ipsec.encryption),
      vendorName('libreswan', 'espIntegrity', c.ipsec.integrity),
      ...(pfs ? [vendorName('libreswan', 'dhGroup', c.ipsec.pfs)] : []),
    ].join('-');
    return [
      `conn ${c.name}`,
      `    # ${p.role} tunnel of ${c.connectionName} (${c.connectionId}, tunnel ${c.tunnelId})`,
      '    ikev2=no',
      `    aggressive=${p.ike.mode === 'aggressive' ? 'yes' : 'no'}`,
      '    type=tunnel',
      '    authby=secret',
      `    left=${p.deviceAddress}`,
      `    leftid=${p.ike.localId}`,
      `    leftsubnet=${c.local.join(',')}`,
      `    right=${p.cloudAddress}`,
      `    rightid=${p.ike.remoteId}`,
      `    rightsubnet=${c.remote.join(',')}`,
      `    ike=${ike}`,
      `    ikelifetime=${p.ike.lifetimeSeconds}s`,
      '    phase2=esp',
      `    phase2alg=${esp}`,
      `    pfs=${pfs ? 'yes' : 'no'}`,
      `    salifetime=${c.ipsec.lifetimeSeconds}s`,
      ...(p.dpd
        ? [`    dpddelay=${DPD_SECONDS}`, `    dpdtimeout=${DPD_TIMEOUT_SECONDS}`, '    dpdaction=restart']
        : []),
      `    encapsulation=${p.natTraversal ? 'auto' : 'no'}`,
      '    auto=start',
      '',
    ];
  });
}

export function renderLibreswan(d: DeviceDescription): string {
  const lines = [
    ...provenance(d, 'Libreswan configuration').map((l) => `# ${l}`),
    `# Two files in one: this part is /etc/ipsec.d/vpnbot-${d.site}.conf, the part after the mark`,
    `# is /etc/ipsec.d/vpnbot-${d.site}.secrets (mode 600). Then: ipsec auto --rereadall`,
    '',
    ...d.peers.flatMap(conns),
    `${LIBRESWAN_SECRETS_MARK} /etc/ipsec.d/vpnbot-${d.site}.secrets`,
    ...d.peers.map((p) => `${p.ike.localId} ${p.ike.remoteId} : PSK "${p.psk}"`),
  ];
  return `${lines.join('\n')}\n`;
}
