/**
 * FortiOS (FortiGate CLI, 6.4 and 7.x), interface mode: a phase1-interface per peer (master and
 * backup), a phase2-interface per CIDR pair on each, and static routes to the cloud's networks
 * through both, the master at the lower distance. Firewall policies are the site's own to add.
 */
import { netmaskOf } from './cidr-masks';
import { DPD_SECONDS, provenance, type DeviceDescription } from './device-description';
import { vendorName } from './vendor-names';

/** The interface holding the device's public address. */
export const FORTIOS_WAN_INTERFACE = 'wan1';

/** FortiOS limits a phase1-interface name to 15 characters: `vpnbot-m`/`vpnbot-b` plus what fits of the hub. */
const phase1Name = (hub: string, role: 'master' | 'backup') =>
  `${hub.replace(/[^A-Za-z0-9-]/g, '').slice(0, 12)}-${role === 'master' ? 'm' : 'b'}`;

export function renderFortios(d: DeviceDescription): string {
  const mask = (c: string) => {
    const m = netmaskOf(c);
    return `${m.network} ${m.netmask}`;
  };
  const out = [
    ...provenance(d, 'FortiOS (FortiGate) configuration').map((l) => `# ${l}`),
    `# Paste in the CLI; replace "${FORTIOS_WAN_INTERFACE}" with the interface holding ${d.deviceAddress}, then add firewall`,
    '# policies between your LAN and the two tunnel interfaces.',
    'config vpn ipsec phase1-interface',
  ];
  for (const p of d.peers) {
    out.push(
      `    edit "${phase1Name(d.hub, p.role)}"`,
      `        set interface "${FORTIOS_WAN_INTERFACE}"`,
      '        set ike-version 1',
      `        set mode ${p.ike.mode === 'aggressive' ? 'aggressive' : 'main'}`,
      '        set peertype any',
      '        set net-device disable',
      `        set proposal ${vendorName('fortios', 'ikeEncryption', p.ike.encryption)}-${vendorName('fortios', 'ikeIntegrity', p.ike.integrity)}`,
      `        set dhgrp ${vendorName('fortios', 'dhGroup', p.ike.dhGroup)}`,
      `        set remote-gw ${p.cloudAddress}`,
      `        set psksecret ${p.psk}`,
      `        set keylife ${p.ike.lifetimeSeconds}`,
      ...(p.dpd
        ? ['        set dpd on-idle', `        set dpd-retryinterval ${DPD_SECONDS}`]
        : ['        set dpd disable']),
      `        set nattraversal ${p.natTraversal ? 'enable' : 'disable'}`,
      `        set comments "vpnbot: ${p.role} tunnel to ${d.hub} at ${p.cloudAddress}"`,
      '    next',
    );
  }
  out.push('end', 'config vpn ipsec phase2-interface');
  for (const p of d.peers)
    for (const c of p.children) {
      const pfs = c.ipsec.pfs !== 'disabled';
      // One selector per phase 2: the cloud's connections carry one CIDR on each side under IKEv1.
      out.push(
        `    edit "${phase1Name(d.hub, p.role)}-${c.name.split('-').at(-1)}"`,
        `        set phase1name "${phase1Name(d.hub, p.role)}"`,
        `        set proposal ${vendorName('fortios', 'espEncryption', c.ipsec.encryption)}-${vendorName('fortios', 'espIntegrity', c.ipsec.integrity)}`,
        `        set pfs ${pfs ? 'enable' : 'disable'}`,
        ...(pfs ? [`        set dhgrp ${vendorName('fortios', 'dhGroup', c.ipsec.pfs)}`] : []),
        `        set keylifeseconds ${c.ipsec.lifetimeSeconds}`,
        '        set auto-negotiate enable',
        `        set src-subnet ${mask(c.local[0]!)}`,
        `        set dst-subnet ${mask(c.remote[0]!)}`,
        `        set comments "${c.connectionName} (${c.connectionId})"`,
        '    next',
      );
    }
  out.push('end', 'config router static');
  for (const r of d.routes)
    for (const p of d.peers)
      out.push(
        '    edit 0',
        `        set dst ${mask(r)}`,
        `        set device "${phase1Name(d.hub, p.role)}"`,
        `        set distance ${p.role === 'master' ? 10 : 20}`,
        `        set comment "vpnbot: ${r} over the ${p.role} tunnel"`,
        '    next',
      );
  out.push('end');
  return `${out.join('\n')}\n`;
}
