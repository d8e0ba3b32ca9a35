/**
 * Cisco IOS-XE, IKEv1 with a crypto map (policy-based, as the cloud's connections are): ISAKMP
 * policies, a key per peer address, a transform set, an access list and a map entry per CIDR pair
 * whose peers are the cloud's master address (the default) and its backup, which IOS fails over to.
 */
import { netmaskOf } from './cidr-masks';
import { DPD_SECONDS, DPD_TIMEOUT_SECONDS, provenance, type DeviceDescription } from './device-description';
import { vendorName } from './vendor-names';

/** The interface holding the device's public address: the one line a person must adapt. */
export const CISCO_WAN_INTERFACE = 'GigabitEthernet1';

export function renderCisco(d: DeviceDescription): string {
  const out = [
    ...provenance(d, 'Cisco IOS-XE configuration').map((l) => `! ${l}`),
    `! Paste in configuration mode; replace ${CISCO_WAN_INTERFACE} with the interface holding ${d.deviceAddress}.`,
    '!',
  ];
  // One ISAKMP policy per distinct IKE proposal (usually one), in the peers' order.
  const policies = new Map<string, number>();
  for (const p of d.peers) {
    const key = JSON.stringify([p.ike.encryption, p.ike.integrity, p.ike.dhGroup, p.ike.lifetimeSeconds]);
    if (policies.has(key)) continue;
    policies.set(key, 10 * (policies.size + 1));
    out.push(
      `crypto isakmp policy ${policies.get(key)}`,
      ` encryption ${vendorName('cisco', 'ikeEncryption', p.ike.encryption)}`,
      ` hash ${vendorName('cisco', 'ikeIntegrity', p.ike.integrity)}`,
      ' authentication pre-share',
      ` group ${vendorName('cisco', 'dhGroup', p.ike.dhGroup)}`,
      ` lifetime ${p.ike.lifetimeSeconds}`,
      '!',
    );
  }
  for (const p of d.peers) out.push(`crypto isakmp key ${p.psk} address ${p.cloudAddress}`);
  // keepalive SECONDS RETRY: retries every RETRY seconds once one goes unanswered.
  if (d.peers.some((p) => p.dpd))
    out.push(`crypto isakmp keepalive ${DPD_SECONDS} ${Math.round(DPD_TIMEOUT_SECONDS / 15)} periodic`);
  out.push('!');
  const master = d.peers.find((p) => p.role === 'master') ?? d.peers[0]!;
  const backup = d.peers.find((p) => p !== master);
  const sets = new Map<string, string>();
  master.children.forEach((c, i) => {
    const esp = `${vendorName('cisco', 'espEncryption', c.ipsec.encryption)} ${vendorName('cisco', 'espIntegrity', c.ipsec.integrity)}`;
    if (!sets.has(esp)) {
      sets.set(esp, `VPNBOT-TS-${sets.size + 1}`);
      out.push(`crypto ipsec transform-set ${sets.get(esp)} ${esp}`, ' mode tunnel', '!');
    }
    const acl = `VPNBOT-${d.site.toUpperCase().replace(/[^A-Z0-9]/g, '-')}-${i + 1}`;
    out.push(`ip access-list extended ${acl}`);
    for (const l of c.local)
      for (const r of c.remote) {
        const [a, b] = [netmaskOf(l), netmaskOf(r)];
        out.push(` permit ip ${a.network} ${a.wildcard} ${b.network} ${b.wildcard}`);
      }
    out.push(
      '!',
      `crypto map VPNBOT ${10 * (i + 1)} ipsec-isakmp`,
      ` description ${c.connectionName} (${c.connectionId})`,
      ` set peer ${master.cloudAddress} default`,
      ...(backup ? [` set peer ${backup.cloudAddress}`] : []),
      ` set transform-set ${sets.get(esp)}`,
      ...(c.ipsec.pfs === 'disabled' ? [] : [` set pfs group${vendorName('cisco', 'dhGroup', c.ipsec.pfs)}`]),
      ` set security-association lifetime seconds ${c.ipsec.lifetimeSeconds}`,
      ` match address ${acl}`,
      '!',
    );
  });
  out.push(`interface ${CISCO_WAN_INTERFACE}`, ' crypto map VPNBOT', '!', 'end');
  return `${out.join('\n')}\n`;
}
