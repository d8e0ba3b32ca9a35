/**
 * The device configurations vpnbot writes, by vendor: each from the one vendor-neutral description
 * (device-description.ts), with its file name. Names people type (`fortigate`, `palo-alto`) lead
 * to the same vendors.
 */
import type { DeviceDescription } from './device-description';
import { renderCisco } from './render-cisco';
import { renderFortios } from './render-fortios';
import { renderJunos } from './render-junos';
import { renderLibreswan } from './render-libreswan';
import { renderPanos } from './render-panos';
import { renderStrongswan } from './render-strongswan';
import { renderTable } from './render-table';
import { VENDOR_IDS, type VendorId } from './vendor-names';

export { VENDOR_IDS, type VendorId } from './vendor-names';

export interface Vendor {
  readonly id: VendorId;
  /** In a few words, for messages and help. */
  readonly title: string;
  readonly fileName: (d: DeviceDescription) => string;
  readonly render: (d: DeviceDescription) => string;
}

const base = (d: DeviceDescription) => `vpnbot-${d.topology}-${d.site}`;

export const VENDORS: Readonly<Record<VendorId, Vendor>> = {
  strongswan: {
    id: 'strongswan',
    title: 'strongSwan (swanctl.conf)',
    fileName: (d) => `${base(d)}.swanctl.conf`,
    render: renderStrongswan,
  },
  libreswan: {
    id: 'libreswan',
    title: 'Libreswan (ipsec.conf and ipsec.secrets)',
    fileName: (d) => `${base(d)}.libreswan.conf`,
    render: renderLibreswan,
  },
  cisco: { id: 'cisco', title: 'Cisco IOS-XE', fileName: (d) => `${base(d)}.ios-xe.txt`, render: renderCisco },
  fortios: {
    id: 'fortios',
    title: 'FortiOS (FortiGate)',
    fileName: (d) => `${base(d)}.fortios.conf`,
    render: renderFortios,
  },
  panos: { id: 'panos', title: 'Palo Alto PAN-OS', fileName: (d) => `${base(d)}.pan-os.txt`, render: renderPanos },
  junos: { id: 'junos', title: 'Juniper SRX (Junos)', fileName: (d) => `${base(d)}.junos.txt`, render: renderJunos },
  table: {
    id: 'table',
    title: 'vendor-neutral table',
    fileName: (d) => `${base(d)}.table.txt`,
    render: renderTable,
  },
};

const ALIASES: Readonly<Record<string, VendorId>> = {
  strongswan: 'strongswan',
  swanctl: 'strongswan',
  libreswan: 'libreswan',
  cisco: 'cisco',
  ios: 'cisco',
  'ios-xe': 'cisco',
  iosxe: 'cisco',
  fortios: 'fortios',
  fortigate: 'fortios',
  fortinet: 'fortios',
  panos: 'panos',
  'pan-os': 'panos',
  paloalto: 'panos',
  'palo-alto': 'panos',
  junos: 'junos',
  juniper: 'junos',
  srx: 'junos',
  table: 'table',
  neutral: 'table',
};

/** The vendor a name people type means, or undefined. */
export function vendorOf(name: string): Vendor | undefined {
  const id = ALIASES[name.trim().toLowerCase()];
  return id ? VENDORS[id] : undefined;
}

/** The vendors' names, for hints. */
export const VENDOR_LIST = VENDOR_IDS.join(', ');
