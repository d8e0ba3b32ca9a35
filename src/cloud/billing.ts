/**
 * How each resource vpnbot buys is paid for, per site of the account (alibaba-today.md §1): an
 * international account buys VPN gateways pay-as-you-go (`POSTPAY`); a China-site account by
 * subscription (`PREPAY` with a `Period` in months). The site is a setting (`VPNBOT_ACCOUNT_SITE`),
 * checked by the preflight against the account's billing currency. In one place, so a correction
 * changes one table.
 *
 * UNVERIFIED: that a China-site account cannot buy VPN gateways pay-as-you-go (the reference says
 * it buys them PREPAY); that probe instances and transit-router connections are pay-as-you-go on
 * both sites; the one-month period; that the billing currency tells the sites apart (CNY, USD).
 */
export type AccountSite = 'international' | 'china';
export const ACCOUNT_SITES: readonly AccountSite[] = ['international', 'china'];

export interface Charge {
  readonly chargeType: string;
  /** Months, for a subscription. */
  readonly period?: number;
}

export interface SiteBilling {
  /** CreateVpnGateway's InstanceChargeType (and Period). */
  readonly vpnGateway: Charge;
  /** RunInstances' InstanceChargeType: the probes. */
  readonly ecsInstance: Charge;
  /** QueryAccountBalance's currency on this site. */
  readonly currency: string;
  readonly words: string;
}

export const SITE_BILLING: Readonly<Record<AccountSite, SiteBilling>> = {
  international: {
    vpnGateway: { chargeType: 'POSTPAY' },
    ecsInstance: { chargeType: 'PostPaid' },
    currency: 'USD',
    words: 'international site, pay-as-you-go',
  },
  china: {
    vpnGateway: { chargeType: 'PREPAY', period: 1 },
    ecsInstance: { chargeType: 'PostPaid' },
    currency: 'CNY',
    words: 'China site, VPN gateways by monthly subscription',
  },
};

/** The site whose billing currency this is, if any. */
export function siteOfCurrency(currency: string): AccountSite | undefined {
  return ACCOUNT_SITES.find((s) => SITE_BILLING[s].currency === currency.toUpperCase());
}
