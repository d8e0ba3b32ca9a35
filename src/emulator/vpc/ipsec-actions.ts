/**
 * VPC 2016-04-28: IPsec connections, in both forms. On a dual-tunnel gateway a connection is two
 * tunnels given in `TunnelOptionsSpecification` (a master and a slave, each with its customer
 * gateway, IKE and IPsec settings); on a single-tunnel gateway (bought before the upgrade) it is the
 * top-level `CustomerGatewayId`, `IkeConfig` and `IpsecConfig`. Each form is refused where the other
 * one is the gateway's (vpn-capabilities.ts). Codes marked SYNTHETIC are not documented publicly.
 */
import { ApiError, invalid, missing, notFound } from '../api/api-error';
import { omit, page, reads, regionOf, writes, type ActionContext, type ActionTable } from '../api/api-kit';
import { negotiate, negotiateTunnel } from '../network/ipsec-negotiation';
import { customerGatewaysOf, tunnelEnds, tunnelIp, tunnelZone } from '../network/tunnels';
import { connectionOf, gatewayOf, lockGateway, subnets } from './vpc-kit';
import { VPN_ERRORS } from './vpn-capabilities';
import { addAutoRoutes, liveRoutes } from './vpn-route-actions';
import {
  LATENCY,
  matchesTags,
  tagList,
  type IkeConfig,
  type IpsecConfig,
  type TunnelR,
  type VpnConnectionR,
  type VpnGatewayR,
  type World,
} from '../state/world';

const IKE_DEFAULTS: Omit<IkeConfig, 'Psk' | 'LocalId' | 'RemoteId'> = {
  IkeVersion: 'ikev1',
  IkeMode: 'main',
  IkeEncAlg: 'aes',
  IkeAuthAlg: 'md5',
  IkePfs: 'group2',
  IkeLifetime: 86400,
};
const IPSEC_DEFAULTS: IpsecConfig = {
  IpsecEncAlg: 'aes',
  IpsecAuthAlg: 'md5',
  IpsecPfs: 'group2',
  IpsecLifetime: 86400,
};

/** The 16 characters the cloud generates when no key is given (readable through DescribeVpnConnection). */
const generatedPsk = (w: World) =>
  Array.from({ length: 16 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(w.random() * 36)]).join('');

/** The IKE version is known, and IKEv1 carries one local and one remote CIDR per connection. */
function checkSelectors(ike: IkeConfig, local: readonly string[], remote: readonly string[]): void {
  if (!['ikev1', 'ikev2'].includes(ike.IkeVersion)) throw invalid('IkeConfig.IkeVersion', 'must be ikev1 or ikev2');
  // SYNTHETIC code: the rule is documented, the real error code is not public.
  if (ike.IkeVersion === 'ikev1' && (local.length > 1 || remote.length > 1)) {
    throw new ApiError(
      'InvalidParameter.IkeV1MultipleCidrs',
      'With IKEv1 an IPsec connection supports only one local CIDR block and one remote CIDR block; use IKEv2 or one connection per CIDR pair.',
      400,
    );
  }
}

function customerGatewayIn(w: World, regionId: string, id: string) {
  const cg = w.customerGateways.get(id);
  if (!cg || cg.regionId !== regionId)
    throw notFound('InvalidCustomerGatewayInstanceId.NotFound', `customer gateway ${id}`);
  return cg;
}

/** `TunnelIkeConfig.X` / `TunnelIpsecConfig.X` fields of one flattened tunnel option, lifetimes as numbers. */
function nested<T>(option: Readonly<Record<string, string>>, prefix: string): Partial<T> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(option)) {
    if (!k.startsWith(`${prefix}.`) || v === '') continue;
    const field = k.slice(prefix.length + 1);
    out[field] = /Lifetime$/.test(field) ? Number(v) : v;
  }
  return out as Partial<T>;
}

/**
 * A tunnel from its option (`TunnelOptionsSpecification.N.*`), over `base` when modifying one: its
 * customer gateway in the region, and the IKE and IPsec settings with the cloud's defaults.
 */
function tunnelFrom(
  w: World,
  g: VpnGatewayR,
  option: Readonly<Record<string, string>>,
  index: number,
  base?: TunnelR,
): TunnelR {
  const role = base?.role ?? (option.Role as TunnelR['role']);
  const cgId = option.CustomerGatewayId || base?.customerGatewayId;
  if (!cgId) throw missing(`TunnelOptionsSpecification.${index}.CustomerGatewayId`);
  const cg = customerGatewayIn(w, g.regionId, cgId);
  const ikeIn = nested<IkeConfig>(option, 'TunnelIkeConfig');
  const ike: IkeConfig = {
    ...IKE_DEFAULTS,
    ...(base?.ike ?? {}),
    ...ikeIn,
    Psk: ikeIn.Psk ?? base?.ike.Psk ?? generatedPsk(w),
    LocalId: ikeIn.LocalId ?? base?.ike.LocalId ?? tunnelIp(g, role),
    RemoteId: ikeIn.RemoteId ?? (base?.customerGatewayId === cg.id ? base.ike.RemoteId : cg.ipAddress),
  };
  const flag = (name: string, fallback: boolean) =>
    option[name] === undefined || option[name] === '' ? fallback : option[name]!.toLowerCase() === 'true';
  return {
    id: base?.id ?? w.newId('tun'),
    role,
    customerGatewayId: cg.id,
    ike,
    ipsec: { ...IPSEC_DEFAULTS, ...(base?.ipsec ?? {}), ...nested<IpsecConfig>(option, 'TunnelIpsecConfig') },
    enableDpd: flag('EnableDpd', base?.enableDpd ?? true),
    enableNatTraversal: flag('EnableNatTraversal', base?.enableNatTraversal ?? true),
    forcedDown: base?.forcedDown ?? false,
  };
}

/** The two tunnels of a dual-tunnel connection: exactly one master and one slave (UNVERIFIED: vpn-capabilities.ts). */
function tunnelsOf(ctx: ActionContext, g: VpnGatewayR): TunnelR[] {
  const options = ctx.params.objects('TunnelOptionsSpecification');
  const roles = options.map((o) => o.Role ?? '');
  if (options.length !== 2 || !roles.includes('master') || !roles.includes('slave'))
    throw VPN_ERRORS.tunnelRoles(roles);
  return options
    .map((o, i) => tunnelFrom(ctx.world, g, o, i + 1))
    .sort((a, b) => (a.role === b.role ? 0 : a.role === 'master' ? -1 : 1));
}

/** Parameters of the single-tunnel form: refused on a dual-tunnel gateway. */
const SINGLE_FORM = ['CustomerGatewayId', 'IkeConfig', 'IpsecConfig', 'HealthCheckConfig', 'BgpConfig'] as const;

function formOf(ctx: ActionContext, g: VpnGatewayR): 'dual' | 'single' {
  const dualGiven = ctx.params.objects('TunnelOptionsSpecification').length > 0;
  const singleGiven = SINGLE_FORM.some((p) => ctx.params.opt(p) !== undefined);
  if (g.tunnelMode === 'dual') {
    if (singleGiven) throw VPN_ERRORS.singleFormOnDual(g.id);
    return 'dual';
  }
  if (dualGiven) throw VPN_ERRORS.dualFormOnSingle(g.id);
  return 'single';
}

const createVpnConnection = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
  const form = formOf(ctx, g);
  const local = subnets(ctx, 'LocalSubnet');
  const remote = subnets(ctx, 'RemoteSubnet');
  let single: Pick<VpnConnectionR, 'customerGatewayId' | 'ike' | 'ipsec'> | undefined;
  let tunnels: TunnelR[] | undefined;
  if (form === 'dual') {
    if (ctx.params.objects('TunnelOptionsSpecification').length === 0) throw VPN_ERRORS.singleFormOnDual(g.id);
    tunnels = tunnelsOf(ctx, g);
    for (const t of tunnels) checkSelectors(t.ike, local, remote);
  } else {
    const cg = customerGatewayIn(w, regionId, ctx.params.req('CustomerGatewayId'));
    const ikeIn = ctx.params.json<Partial<IkeConfig>>('IkeConfig') ?? {};
    const ike: IkeConfig = {
      ...IKE_DEFAULTS,
      ...ikeIn,
      Psk: ikeIn.Psk ?? generatedPsk(w),
      LocalId: ikeIn.LocalId ?? g.internetIp,
      RemoteId: ikeIn.RemoteId ?? cg.ipAddress,
    };
    checkSelectors(ike, local, remote);
    single = {
      customerGatewayId: cg.id,
      ike,
      ipsec: { ...IPSEC_DEFAULTS, ...(ctx.params.json<Partial<IpsecConfig>>('IpsecConfig') ?? {}) },
    };
  }
  if ([...w.vpnConnections.values()].filter((c) => c.vpnGatewayId === g.id).length >= ctx.ipsecConnectionQuota) {
    throw new ApiError(
      'QuotaExceeded.VpnConnection',
      `The VPN gateway ${g.id} already has ${ctx.ipsecConnectionQuota} IPsec connections (quota).`,
      400,
    );
  }
  lockGateway(w, g, LATENCY.vpnGatewayUpdate);
  const id = w.newId('vco');
  const c: VpnConnectionR = {
    id,
    regionId,
    vpnGatewayId: g.id,
    customerGatewayId: single?.customerGatewayId ?? '',
    name: ctx.params.opt('Name') ?? '',
    localSubnet: local,
    remoteSubnet: remote,
    ...(single ? { ike: single.ike!, ipsec: single.ipsec! } : { tunnels: tunnels! }),
    effectImmediately: ctx.params.bool('EffectImmediately', false),
    tags: ctx.params.tags(),
    forcedDown: false,
    createdAt: w.now(),
    phases: w.phases([['init', LATENCY.vpnConnectionCreate]], 'active'),
    autoConfigRoute: ctx.params.bool('AutoConfigRoute', true),
  };
  w.vpnConnections.set(id, c);
  // AutoConfigRoute (true by default): the gateway's policy-based routes for the selectors come with it.
  if (c.autoConfigRoute) addAutoRoutes(w, c);
  return { VpnConnectionId: id, Name: ctx.params.opt('Name') ?? '', CreateTime: w.now() };
});

/**
 * One tunnel as the connection's answers show it. DescribeVpnConnection(s) declare every nested
 * field a string (flags, lifetimes: alibaba-today-api.md §3.6); ModifyVpnConnectionAttribute declares
 * booleans and numbers, and has no Status or TunnelIndex.
 */
function tunnelView(w: World, c: VpnConnectionR, t: TunnelR, index: number, answer: 'describe' | 'modify') {
  const g = w.vpnGateways.get(c.vpnGatewayId);
  const state =
    c.deletingUntil !== undefined
      ? 'deleting'
      : w.isReady(c) && !(t.updatingUntil !== undefined && w.now() < t.updatingUntil)
        ? 'active'
        : 'updating';
  const common = {
    TunnelId: t.id,
    Role: t.role,
    CustomerGatewayId: t.customerGatewayId,
    InternetIp: g ? tunnelIp(g, t.role) : '',
    ZoneNo: g ? tunnelZone(w, g, t.role) : '',
    State: state,
  };
  if (answer === 'modify')
    return {
      ...common,
      EnableDpd: t.enableDpd,
      EnableNatTraversal: t.enableNatTraversal,
      TunnelIkeConfig: t.ike,
      TunnelIpsecConfig: t.ipsec,
    };
  const end = tunnelEnds(c).find((e) => e.id === t.id)!;
  return {
    ...common,
    TunnelIndex: index + 1,
    Status: negotiateTunnel(w, end).status,
    EnableDpd: String(t.enableDpd),
    EnableNatTraversal: String(t.enableNatTraversal),
    TunnelIkeConfig: { ...t.ike, IkeLifetime: String(t.ike.IkeLifetime) },
    TunnelIpsecConfig: { ...t.ipsec, IpsecLifetime: String(t.ipsec.IpsecLifetime) },
  };
}

/**
 * A connection's answer. Single-tunnel: the top-level CustomerGatewayId, IkeConfig and IpsecConfig.
 * Dual-tunnel: TunnelOptionsSpecification, and none of those (UNVERIFIED: what the cloud puts at the
 * top level of a dual-tunnel connection is not documented).
 */
const connectionView = (w: World, c: VpnConnectionR, answer: 'describe' | 'modify' = 'describe') => ({
  VpnConnectionId: c.id,
  VpnGatewayId: c.vpnGatewayId,
  ...(c.tunnels
    ? {
        TunnelOptionsSpecification: {
          TunnelOptions: c.tunnels.map((t, i) => tunnelView(w, c, t, i, answer)),
        },
      }
    : { CustomerGatewayId: c.customerGatewayId, IkeConfig: c.ike!, IpsecConfig: c.ipsec! }),
  Name: c.name,
  LocalSubnet: c.localSubnet.join(','),
  RemoteSubnet: c.remoteSubnet.join(','),
  CreateTime: c.createdAt,
  EffectImmediately: c.effectImmediately,
  Status: negotiate(w, c).status,
  State: w.status(c, 'deleting'),
  EnableDpd: true,
  EnableNatTraversal: true,
  NetworkType: 'public',
  AttachType: 'VPNGW',
});

// One connection carries its tags as Tags.Tag, the list as Tag.Tag (so the SDK models have it).
const describeVpnConnection = reads((ctx) => {
  const c = connectionOf(ctx.world, ctx.params.req('VpnConnectionId'));
  return { ...connectionView(ctx.world, c), Tags: { Tag: tagList(c.tags) } };
});

const describeVpnConnections = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const f = {
    gw: ctx.params.opt('VpnGatewayId'),
    cg: ctx.params.opt('CustomerGatewayId'),
    id: ctx.params.opt('VpnConnectionId'),
  };
  const tags = ctx.params.tags();
  const all = [...w.vpnConnections.values()].filter(
    (c) =>
      c.regionId === regionId &&
      (!f.gw || c.vpnGatewayId === f.gw) &&
      (!f.cg || customerGatewaysOf(c).includes(f.cg)) &&
      (!f.id || c.id === f.id) &&
      matchesTags(c.tags, tags),
  );
  const { items, meta } = page(ctx, all);
  return {
    VpnConnections: { VpnConnection: items.map((c) => ({ ...connectionView(w, c), Tag: { Tag: tagList(c.tags) } })) },
    ...meta,
  };
});

/** The IKE log of a connection: why each tunnel is (not) up. A dual-tunnel connection's lines name the tunnel. */
const describeVpnConnectionLogs = reads((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  const at = new Date(w.now()).toISOString().replace('T', ' ').slice(0, 19);
  const logs = tunnelEnds(c).flatMap((end) => {
    const n = negotiateTunnel(w, end);
    const who = c.tunnels ? `${c.id}: tunnel ${end.role} ${end.id}` : c.id;
    const peerIp = w.customerGateways.get(end.customerGatewayId)?.ipAddress ?? '?';
    return n.status === 'ipsec_sa_established'
      ? [`${at} ${who}: IKE SA established with ${peerIp}`, `${at} ${who}: IPsec SA established`]
      : [`${at} ${who}: ${n.reason}`];
  });
  return { Data: { Logs: logs }, Count: logs.length, IsCompleted: true, PageNumber: 1, PageSize: logs.length };
});

/**
 * Changes a connection in place (drift repair, key rotation without a new tunnel): name, selectors,
 * EffectImmediately, and the IKE and IPsec settings in the connection's own form (top-level on a
 * single-tunnel one; `TunnelOptionsSpecification.N` with its TunnelId, or Role, on a dual-tunnel
 * one). One change of the gateway; the tunnels renegotiate with what they now hold. With
 * AutoConfigRoute the gateway's routes follow the new selectors.
 */
const modifyVpnConnectionAttribute = writes((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  const g = gatewayOf(w, c.vpnGatewayId);
  const local = ctx.params.opt('LocalSubnet') !== undefined ? subnets(ctx, 'LocalSubnet') : c.localSubnet;
  const remote = ctx.params.opt('RemoteSubnet') !== undefined ? subnets(ctx, 'RemoteSubnet') : c.remoteSubnet;
  const selectorsChanged = local.join() !== c.localSubnet.join() || remote.join() !== c.remoteSubnet.join();
  let changes: Partial<VpnConnectionR>;
  /** The tunnels given in the request, when they are all that changes. */
  let changedAlone: Set<string> | undefined;
  if (c.tunnels) {
    if (SINGLE_FORM.some((p) => ctx.params.opt(p) !== undefined)) throw VPN_ERRORS.singleFormOnDual(g.id);
    const tunnels = [...c.tunnels];
    const changed = new Set<string>();
    ctx.params.objects('TunnelOptionsSpecification').forEach((o, i) => {
      const at = tunnels.findIndex((t) => (o.TunnelId ? t.id === o.TunnelId : t.role === o.Role));
      if (at < 0) throw notFound('InvalidTunnelId.NotFound', `tunnel ${o.TunnelId ?? o.Role ?? ''} of ${c.id}`);
      tunnels[at] = tunnelFrom(w, g, o, i + 1, tunnels[at]);
      changed.add(tunnels[at]!.id);
    });
    if (!selectorsChanged && ctx.params.opt('EffectImmediately') === undefined) changedAlone = changed;
    for (const t of tunnels) checkSelectors(t.ike, local, remote);
    changes = { tunnels };
  } else {
    if (ctx.params.objects('TunnelOptionsSpecification').length > 0) throw VPN_ERRORS.dualFormOnSingle(g.id);
    const ike: IkeConfig = { ...c.ike!, ...(ctx.params.json<Partial<IkeConfig>>('IkeConfig') ?? {}) };
    checkSelectors(ike, local, remote);
    changes = { ike, ipsec: { ...c.ipsec!, ...(ctx.params.json<Partial<IpsecConfig>>('IpsecConfig') ?? {}) } };
  }
  lockGateway(w, g, LATENCY.vpnGatewayUpdate);
  if (changedAlone) {
    // A tunnel's own settings (a new key) renegotiate that tunnel alone: its partner keeps carrying
    // traffic, which is what lets keys be rotated one tunnel at a time. UNVERIFIED: the cloud's
    // per-tunnel ModifyTunnelAttribute suggests it; whether ModifyVpnConnectionAttribute with one
    // tunnel's options leaves the other untouched is not documented.
    const until = w.now() + w.clock.delay(LATENCY.vpnGatewayUpdate);
    for (const t of (changes.tunnels ?? []).filter((x) => changedAlone.has(x.id)))
      Object.assign(t, { updatingUntil: until, forcedDown: false });
    Object.assign(c, { ...changes, name: ctx.params.opt('Name') ?? c.name, trafficSeenAt: undefined });
    return omit(connectionView(w, c, 'modify'), 'Status', 'State', 'NetworkType', 'AttachType');
  }
  Object.assign(c, {
    ...changes,
    name: ctx.params.opt('Name') ?? c.name,
    localSubnet: local,
    remoteSubnet: remote,
    effectImmediately: ctx.params.bool('EffectImmediately', c.effectImmediately),
    autoConfigRoute: ctx.params.bool('AutoConfigRoute', c.autoConfigRoute !== false),
    forcedDown: false,
    trafficSeenAt: undefined,
    // The new settings take a negotiation: configuring until the gateway's change is done.
    phases: w.phases([['updating', LATENCY.vpnGatewayUpdate]], 'active'),
  });
  if (selectorsChanged && c.autoConfigRoute) {
    for (const r of liveRoutes(w, c.vpnGatewayId).filter((x) => x.nextHop === c.id && x.auto))
      w.markDeleting(r, LATENCY.vpnGatewayUpdate);
    addAutoRoutes(w, c);
  }
  return omit(connectionView(w, c, 'modify'), 'Status', 'State', 'NetworkType', 'AttachType');
});

const deleteVpnConnection = writes((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  if (c.deletingUntil !== undefined) return {};
  // SYNTHETIC code: routes added by hand still name the connection; the documented rule is to delete them first.
  const routes = liveRoutes(w, c.vpnGatewayId).filter((r) => r.nextHop === c.id);
  if (routes.some((r) => !r.auto))
    throw new ApiError(
      'DependencyViolation.VpnRouteEntry',
      `The IPsec connection ${c.id} is the next hop of VPN gateway routes; delete them first.`,
      400,
    );
  lockGateway(w, gatewayOf(w, c.vpnGatewayId), LATENCY.vpnGatewayUpdate);
  w.markDeleting(c, LATENCY.vpnGatewayUpdate);
  for (const r of routes) w.markDeleting(r, LATENCY.vpnGatewayUpdate);
  return {};
});

/**
 * The configuration for the peer device (the console's "download peer configuration"): Local and
 * Remote seen from the customer side, so the IKE identities are swapped. A dual-tunnel connection's
 * is per tunnel (TunnelsConfig), with the same perspective (UNVERIFIED, alibaba-today-api.md §3.8).
 */
const downloadVpnConnectionConfig = reads((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  const g = gatewayOf(w, c.vpnGatewayId);
  const peerIp = (cgId: string) => w.customerGateways.get(cgId)?.ipAddress ?? '';
  const peerSide = (ike: IkeConfig) => ({ ...ike, LocalId: ike.RemoteId, RemoteId: ike.LocalId });
  const common = { LocalSubnet: c.remoteSubnet.join(','), RemoteSubnet: c.localSubnet.join(',') };
  if (!c.tunnels)
    return {
      VpnConnectionConfig: {
        ...common,
        Local: peerIp(c.customerGatewayId),
        Remote: g.internetIp,
        IkeConfig: peerSide(c.ike!),
        IpsecConfig: c.ipsec!,
      },
    };
  return {
    VpnConnectionConfig: {
      ...common,
      TunnelsConfig: {
        TunnelConfig: c.tunnels.map((t) => ({
          TunnelId: t.id,
          Local: peerIp(t.customerGatewayId),
          Remote: tunnelIp(g, t.role),
          IkeConfig: peerSide(t.ike),
          IpsecConfig: t.ipsec,
        })),
      },
    },
  };
});

export const IPSEC_ACTIONS: ActionTable = {
  CreateVpnConnection: createVpnConnection,
  DescribeVpnConnection: describeVpnConnection,
  DescribeVpnConnections: describeVpnConnections,
  DescribeVpnConnectionLogs: describeVpnConnectionLogs,
  DeleteVpnConnection: deleteVpnConnection,
  ModifyVpnConnectionAttribute: modifyVpnConnectionAttribute,
  DownloadVpnConnectionConfig: downloadVpnConnectionConfig,
};
