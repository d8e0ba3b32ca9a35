/**
 * Playing an on-premises VPN device through the control API (`POST /__emulator/devices`): its
 * public address, its tunnels in the shape DownloadVpnConnectionConfig gives a tunnel (Local the
 * device, Remote the cloud), and the addresses behind it that answer ping. What a test or the demo
 * sends is checked field by field; an empty `tunnels` unplugs the device.
 */
import { z } from 'zod';
import type { DeviceR, IkeConfig, IpsecConfig } from '../state/world';

const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'an IPv4 address');
/** `"10.0.0.0/8,172.16.0.0/12"` as the API writes subnets, or a list. */
const subnets = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter((x) => x !== ''));
const lifetime = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

// The device's defaults are the API's own (vpc/ipsec-actions.ts): an unset field means what the cloud means by it.
const ikeSchema = z.strictObject({
  Psk: z.string().min(1).max(100),
  IkeVersion: z.string().default('ikev1'),
  IkeMode: z.string().default('main'),
  IkeEncAlg: z.string().default('aes'),
  IkeAuthAlg: z.string().default('md5'),
  IkePfs: z.string().default('group2'),
  IkeLifetime: lifetime.default(86400),
  LocalId: z.string().optional(),
  RemoteId: z.string().optional(),
});
const ipsecSchema = z.strictObject({
  IpsecEncAlg: z.string().default('aes'),
  IpsecAuthAlg: z.string().default('md5'),
  IpsecPfs: z.string().default('group2'),
  IpsecLifetime: lifetime.default(86400),
});

const deviceSchema = z.strictObject({
  publicIp: ipv4,
  tunnels: z.array(
    z.strictObject({
      Local: ipv4.optional(),
      Remote: ipv4,
      LocalSubnet: subnets,
      RemoteSubnet: subnets,
      IkeConfig: ikeSchema,
      IpsecConfig: ipsecSchema.default({
        IpsecEncAlg: 'aes',
        IpsecAuthAlg: 'md5',
        IpsecPfs: 'group2',
        IpsecLifetime: 86400,
      }),
    }),
  ),
  hosts: z.array(ipv4).default([]),
});

export type DeviceInput = z.input<typeof deviceSchema>;

/** The device a control request describes (identities default to the two addresses), or what is wrong with it. */
export function deviceFrom(body: unknown, now: number): DeviceR | string {
  const r = deviceSchema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return `${i.path.join('.') || 'body'}: ${i.message}`;
  }
  const d = r.data;
  return {
    publicIp: d.publicIp,
    configuredAt: now,
    hosts: d.hosts,
    tunnels: d.tunnels.map((t) => {
      const ike: IkeConfig = {
        ...t.IkeConfig,
        LocalId: t.IkeConfig.LocalId ?? t.Local ?? d.publicIp,
        RemoteId: t.IkeConfig.RemoteId ?? t.Remote,
      };
      const ipsec: IpsecConfig = t.IpsecConfig;
      return {
        Local: t.Local ?? d.publicIp,
        Remote: t.Remote,
        LocalSubnet: t.LocalSubnet,
        RemoteSubnet: t.RemoteSubnet,
        IkeConfig: ike,
        IpsecConfig: ipsec,
      };
    }),
  };
}

/** A device as the control API shows it: the keys redacted, as everywhere else in its answers. */
export const deviceView = (d: DeviceR) => ({
  ...d,
  tunnels: d.tunnels.map((t) => ({ ...t, IkeConfig: { ...t.IkeConfig, Psk: '(redacted)' } })),
});
