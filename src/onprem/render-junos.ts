/**
 * Juniper SRX (Junos OS 15.1X49 and later), `set` commands: IKE proposal and policy, an IKEv1
 * gateway per peer (master and backup), a route-based VPN per peer bound to its own st0 unit with a
 * traffic selector per CIDR pair (the cloud's connections are policy-based), and static routes
 * through both, the master preferred. Security zones and policies are the site's own to add.
 */
import { DPD_SECONDS, DPD_TIMEOUT_SECONDS, provenance, type DeviceDescription } from './device-description';
import { vendorName } from './vendor-names';

/** The interface holding the device's public address. */
export const JUNOS_WAN_INTERFACE = 'ge-0/0/0.0';

export function renderJunos(d: DeviceDescription): string {
  const out = [
    ...provenance(d, 'Juniper SRX (Junos) configuration (set commands)').map((l) => `# ${l}`),
    `# load set terminal (or paste in configuration mode), replace ${JUNOS_WAN_INTERFACE} with the interface holding`,
    `# ${d.deviceAddress}, put st0 in a security zone with policies, then commit.`,
  ];
  const ikeProposals = new Map<string, string>();
  const ipsecPolicies = new Map<string, string>();
  d.peers.forEach((p, i) => {
    const ikeKey = JSON.stringify([p.ike.encryption, p.ike.integrity, p.ike.dhGroup, p.ike.lifetimeSeconds]);
    if (!ikeProposals.has(ikeKey)) {
      const name = `vpnbot-ike-${ikeProposals.size + 1}`;
      ikeProposals.set(ikeKey, name);
      const base = `set security ike proposal ${name}`;
      out.push(
        `${base} authentication-method pre-shared-keys`,
        `${base} dh-group ${vendorName('junos', 'dhGroup', p.ike.dhGroup)}`,
        `${base} authentication-algorithm ${vendorName('junos', 'ikeIntegrity', p.ike.integrity)}`,
        `${base} encryption-algorithm ${vendorName('junos', 'ikeEncryption', p.ike.encryption)}`,
        `${base} lifetime-seconds ${p.ike.lifetimeSeconds}`,
      );
    }
    const ipsec = p.children[0]!.ipsec;
    const ipsecKey = JSON.stringify(ipsec);
    if (!ipsecPolicies.has(ipsecKey)) {
      const name = `vpnbot-ipsec-${ipsecPolicies.size + 1}`;
      ipsecPolicies.set(ipsecKey, name);
      const proposal = `set security ipsec proposal ${name}`;
      out.push(
        `${proposal} protocol esp`,
        `${proposal} authentication-algorithm ${vendorName('junos', 'espIntegrity', ipsec.integrity)}`,
        `${proposal} encryption-algorithm ${vendorName('junos', 'espEncryption', ipsec.encryption)}`,
        `${proposal} lifetime-seconds ${ipsec.lifetimeSeconds}`,
        ...(ipsec.pfs === 'disabled'
          ? []
          : [
              `set security ipsec policy ${name} perfect-forward-secrecy keys ${vendorName('junos', 'dhGroup', ipsec.pfs)}`,
            ]),
        `set security ipsec policy ${name} proposals ${name}`,
      );
    }
    const unit = `st0.${i + 1}`;
    out.push(
      `# ${p.role} tunnel to ${p.cloudAddress}`,
      `set security ike policy ${p.name} mode ${p.ike.mode === 'aggressive' ? 'aggressive' : 'main'}`,
      `set security ike policy ${p.name} proposals ${ikeProposals.get(ikeKey)}`,
      `set security ike policy ${p.name} pre-shared-key ascii-text "${p.psk}"`,
      `set security ike gateway ${p.name} ike-policy ${p.name}`,
      `set security ike gateway ${p.name} address ${p.cloudAddress}`,
      `set security ike gateway ${p.name} external-interface ${JUNOS_WAN_INTERFACE}`,
      `set security ike gateway ${p.name} local-identity inet ${p.ike.localId}`,
      `set security ike gateway ${p.name} remote-identity inet ${p.ike.remoteId}`,
      ...(p.dpd
        ? [
            `set security ike gateway ${p.name} dead-peer-detection interval ${DPD_SECONDS}`,
            `set security ike gateway ${p.name} dead-peer-detection threshold ${Math.round(DPD_TIMEOUT_SECONDS / DPD_SECONDS)}`,
          ]
        : []),
      ...(p.natTraversal ? [] : [`set security ike gateway ${p.name} no-nat-traversal`]),
      `set security ike gateway ${p.name} version v1-only`,
      `set interfaces st0 unit ${i + 1} family inet`,
      `set security ipsec vpn ${p.name} bind-interface ${unit}`,
      `set security ipsec vpn ${p.name} ike gateway ${p.name}`,
      `set security ipsec vpn ${p.name} ike ipsec-policy ${ipsecPolicies.get(ipsecKey)}`,
      `set security ipsec vpn ${p.name} establish-tunnels immediately`,
    );
    for (const c of p.children)
      out.push(
        `set security ipsec vpn ${p.name} traffic-selector ${c.name} local-ip ${c.local[0]}`,
        `set security ipsec vpn ${p.name} traffic-selector ${c.name} remote-ip ${c.remote[0]}`,
      );
    for (const r of d.routes)
      out.push(
        `set routing-options static route ${r} qualified-next-hop ${unit} preference ${p.role === 'master' ? 5 : 10}`,
      );
  });
  return `${out.join('\n')}\n`;
}
