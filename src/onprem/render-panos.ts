/**
 * Palo Alto Networks PAN-OS (9.1 to 11.x), configuration-mode `set` commands: IKE and IPsec crypto
 * profiles, an IKEv1 gateway per peer (master and backup), a route-based tunnel per peer with a
 * proxy id per CIDR pair (the cloud's connections are policy-based), and static routes through both
 * tunnels, the master at the lower metric. Zones and security policies are the site's own to add.
 */
import { DPD_SECONDS, provenance, type DeviceDescription } from './device-description';
import { vendorName } from './vendor-names';

/** The interface holding the device's public address, and the virtual router the routes go in. */
export const PANOS_WAN_INTERFACE = 'ethernet1/1';
export const PANOS_VIRTUAL_ROUTER = 'default';

export function renderPanos(d: DeviceDescription): string {
  const out = [
    ...provenance(d, 'PAN-OS configuration (set commands)').map((l) => `# ${l}`),
    `# Paste the set commands in configuration mode (lines starting with # are comments), replace ${PANOS_WAN_INTERFACE} with the`,
    `# interface holding ${d.deviceAddress}, put the tunnel interfaces in a zone with security policies, then commit.`,
  ];
  const ikeProfiles = new Map<string, string>();
  const ipsecProfiles = new Map<string, string>();
  d.peers.forEach((p, i) => {
    const ikeKey = JSON.stringify(p.ike);
    if (!ikeProfiles.has(ikeKey)) {
      const name = `vpnbot-ike-${ikeProfiles.size + 1}`;
      ikeProfiles.set(ikeKey, name);
      const base = `set network ike crypto-profiles ike-crypto-profiles ${name}`;
      out.push(
        `${base} encryption ${vendorName('panos', 'ikeEncryption', p.ike.encryption)}`,
        `${base} hash ${vendorName('panos', 'ikeIntegrity', p.ike.integrity)}`,
        `${base} dh-group ${vendorName('panos', 'dhGroup', p.ike.dhGroup)}`,
        `${base} lifetime seconds ${p.ike.lifetimeSeconds}`,
      );
    }
    const ipsec = p.children[0]!.ipsec;
    const ipsecKey = JSON.stringify(ipsec);
    if (!ipsecProfiles.has(ipsecKey)) {
      const name = `vpnbot-ipsec-${ipsecProfiles.size + 1}`;
      ipsecProfiles.set(ipsecKey, name);
      const base = `set network ike crypto-profiles ipsec-crypto-profiles ${name}`;
      out.push(
        `${base} esp encryption ${vendorName('panos', 'espEncryption', ipsec.encryption)}`,
        `${base} esp authentication ${vendorName('panos', 'espIntegrity', ipsec.integrity)}`,
        `${base} dh-group ${ipsec.pfs === 'disabled' ? 'no-pfs' : vendorName('panos', 'dhGroup', ipsec.pfs)}`,
        `${base} lifetime seconds ${ipsec.lifetimeSeconds}`,
      );
    }
    const gw = `set network ike gateway ${p.name}`;
    out.push(
      `# ${p.role} tunnel to ${p.cloudAddress}`,
      `${gw} authentication pre-shared-key key ${p.psk}`,
      `${gw} protocol version ikev1`,
      `${gw} protocol ikev1 exchange-mode ${p.ike.mode === 'aggressive' ? 'aggressive' : 'main'}`,
      `${gw} protocol ikev1 ike-crypto-profile ${ikeProfiles.get(ikeKey)}`,
      `${gw} protocol ikev1 dpd enable ${p.dpd ? 'yes' : 'no'}`,
      ...(p.dpd ? [`${gw} protocol ikev1 dpd interval ${DPD_SECONDS}`] : []),
      `${gw} protocol-common nat-traversal enable ${p.natTraversal ? 'yes' : 'no'}`,
      `${gw} local-address interface ${PANOS_WAN_INTERFACE}`,
      `${gw} peer-address ip ${p.cloudAddress}`,
      `${gw} local-id type ipaddr id ${p.ike.localId}`,
      `${gw} peer-id type ipaddr id ${p.ike.remoteId}`,
    );
    const unit = `tunnel.${i + 1}`;
    const tunnel = `set network tunnel ipsec ${p.name}`;
    out.push(
      `set network interface tunnel units ${unit} comment "vpnbot ${p.role} tunnel to ${d.hub}"`,
      `set network virtual-router ${PANOS_VIRTUAL_ROUTER} interface ${unit}`,
      `${tunnel} tunnel-interface ${unit}`,
      `${tunnel} auto-key ike-gateway ${p.name}`,
      `${tunnel} auto-key ipsec-crypto-profile ${ipsecProfiles.get(ipsecKey)}`,
    );
    for (const c of p.children) {
      const id = `${tunnel} auto-key proxy-id ${c.name.slice(-31)}`;
      out.push(`${id} local ${c.local[0]}`, `${id} remote ${c.remote[0]}`, `${id} protocol any`);
    }
    d.routes.forEach((r, j) => {
      const route = `set network virtual-router ${PANOS_VIRTUAL_ROUTER} routing-table ip static-route vpnbot-${p.name}-${j + 1}`;
      out.push(
        `${route} destination ${r}`,
        `${route} interface ${unit}`,
        `${route} metric ${p.role === 'master' ? 10 : 20}`,
      );
    });
  });
  return `${out.join('\n')}\n`;
}
