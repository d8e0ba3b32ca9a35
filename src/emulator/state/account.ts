/**
 * The account behind the emulator's keys, as a first real apply meets it: who it is, which site
 * bills it, which actions its RAM policy withholds, what is sold out where, and its quotas. Tests
 * and the demo steer it through the control API (`/__emulator/account`, `permissions`, `stock`).
 */

/** International (pay-as-you-go, USD) or China site (subscription, CNY). */
export type AccountSite = 'international' | 'china';

export interface AccountState {
  site: AccountSite;
  /** Actions the caller's RAM policy does not grant: every call of them is refused. */
  readonly withheld: Set<string>;
  /** Zone -> instance types sold out there (`*`: every type). */
  readonly soldOut: Map<string, Set<string>>;
  /** Zones that sell neither VPN gateways nor transit-router attachments any more (left out of both zone lists). */
  readonly closedZones: Set<string>;
  /** VPN gateways allowed per region (UNVERIFIED: the quota page says 30 per account; modelled per region). */
  vpnGatewayQuota: number;
}

export const ACCOUNT_ID = '5123456789012345';
export const CALLER_USER_ID = '216540123456789012';
export const DEFAULT_VPN_GATEWAY_QUOTA = 30;

export function newAccount(): AccountState {
  return {
    site: 'international',
    withheld: new Set(),
    soldOut: new Map(),
    closedZones: new Set(),
    vpnGatewayQuota: DEFAULT_VPN_GATEWAY_QUOTA,
  };
}

export function resetAccount(a: AccountState): void {
  a.site = 'international';
  a.withheld.clear();
  a.soldOut.clear();
  a.closedZones.clear();
  a.vpnGatewayQuota = DEFAULT_VPN_GATEWAY_QUOTA;
}

export function soldOut(a: AccountState, zoneId: string, instanceType: string): boolean {
  const s = a.soldOut.get(zoneId);
  return s !== undefined && (s.has('*') || s.has(instanceType));
}

/** The charge type a VPN gateway takes on each site (alibaba-today.md §1). */
export const VPN_CHARGE_TYPE: Readonly<Record<AccountSite, string>> = { international: 'POSTPAY', china: 'PREPAY' };

export function accountView(a: AccountState): Record<string, unknown> {
  return {
    site: a.site,
    withheld: [...a.withheld].sort(),
    closedZones: [...a.closedZones].sort(),
    soldOut: Object.fromEntries([...a.soldOut].map(([z, t]) => [z, [...t].sort()])),
    vpnGatewayQuota: a.vpnGatewayQuota,
  };
}

/** Applies a control request to the account; an error message when the body is wrong (nothing changes then). */
export function steerAccount(
  a: AccountState,
  route: 'account' | 'permissions' | 'stock',
  body: unknown,
): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected a JSON object';
  const b = body as Record<string, unknown>;
  const names = (v: unknown) =>
    v === undefined
      ? []
      : Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[A-Za-z]{3,80}$/.test(x))
        ? (v as string[])
        : undefined;
  switch (route) {
    case 'permissions': {
      const withhold = names(b.withhold);
      const grant = names(b.grant);
      if (!withhold || !grant) return 'withhold and grant are lists of action names (e.g. ["RunInstances"])';
      for (const x of withhold) a.withheld.add(x);
      for (const x of grant) a.withheld.delete(x);
      return undefined;
    }
    case 'stock': {
      const zone = b.zoneId;
      const type = b.instanceType ?? '*';
      if (typeof zone !== 'string' || !/^[a-z0-9-]+$/.test(zone)) return 'zoneId is a zone id (e.g. cn-hongkong-b)';
      if (typeof type !== 'string') return 'instanceType is an instance type, or absent for every type';
      if (typeof b.soldOut !== 'boolean') return 'soldOut is true or false';
      const set = a.soldOut.get(zone) ?? new Set<string>();
      if (b.soldOut) set.add(type);
      else set.delete(type);
      if (set.size) a.soldOut.set(zone, set);
      else a.soldOut.delete(zone);
      return undefined;
    }
    case 'account': {
      const site = b.site ?? a.site;
      const quota = b.vpnGatewayQuota ?? a.vpnGatewayQuota;
      const close = b.closeZones ?? [];
      const open = b.openZones ?? [];
      const zoneList = (v: unknown) =>
        Array.isArray(v) && v.every((z) => typeof z === 'string' && /^[a-z0-9-]+$/.test(z));
      if (!zoneList(close) || !zoneList(open)) return 'closeZones and openZones are lists of zone ids';
      if (site !== 'international' && site !== 'china') return 'site is "international" or "china"';
      if (typeof quota !== 'number' || !Number.isInteger(quota) || quota < 0)
        return 'vpnGatewayQuota is a whole number from 0';
      a.site = site;
      a.vpnGatewayQuota = quota;
      for (const z of close as string[]) a.closedZones.add(z);
      for (const z of open as string[]) a.closedZones.delete(z);
      return undefined;
    }
  }
}
