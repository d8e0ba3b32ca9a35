/**
 * Who the caller is (STS 2015-04-01 GetCallerIdentity) and which site bills the account (BSS
 * OpenAPI 2017-12-14 QueryAccountBalance: its currency, CNY on the China site, USD on the
 * international one), as the preflight asks them.
 */
import { ApiError } from '../api/api-error';
import { reads, type ActionTable } from '../api/api-kit';
import { ACCOUNT_ID, CALLER_USER_ID } from '../state/account';

export const STS_ACTIONS: ActionTable = {
  GetCallerIdentity: reads(() => ({
    AccountId: ACCOUNT_ID,
    UserId: CALLER_USER_ID,
    PrincipalId: CALLER_USER_ID,
    IdentityType: 'RAMUser',
    Arn: `acs:ram::${ACCOUNT_ID}:user/vpnbot`,
  })),
};

export const BSS_ACTIONS: ActionTable = {
  QueryAccountBalance: reads((ctx) => ({
    Code: 'Success',
    Message: 'Successful!',
    Success: true,
    Data: {
      AvailableAmount: '1000.00',
      AvailableCashAmount: '1000.00',
      CreditAmount: '0.00',
      MybankCreditAmount: '0.00',
      QuotaLimit: '0.00',
      Currency: ctx.account.site === 'china' ? 'CNY' : 'USD',
    },
  })),
};

/** UNVERIFIED (as in the adapter): Quota Center's code for VPN gateways per region. */
const VPN_GATEWAY_QUOTA_CODE = 'vpc_quota_vpn_gateway_num';

/** Quota Center (2020-05-10) GetProductQuota: the VPN gateway quota of a region, and its use. */
export const QUOTA_ACTIONS: ActionTable = {
  GetProductQuota: reads((ctx) => {
    const product = ctx.params.req('ProductCode');
    const code = ctx.params.req('QuotaActionCode');
    if (product !== 'vpc' || code !== VPN_GATEWAY_QUOTA_CODE)
      throw new ApiError('QUOTA.NOT.EXIST', `The quota ${product}/${code} does not exist.`, 404);
    const region =
      ctx.params.opt('Dimensions.1.Value') ?? JSON.parse(ctx.params.opt('Dimensions') ?? '[{}]')[0]?.Value ?? '';
    const used = [...ctx.world.vpnGateways.values()].filter(
      (g) => g.regionId === region && g.deletingUntil === undefined,
    ).length;
    return {
      Quota: {
        ProductCode: product,
        QuotaActionCode: code,
        QuotaName: 'VPN gateways per region',
        TotalQuota: ctx.account.vpnGatewayQuota,
        TotalUsage: used,
        Adjustable: true,
        QuotaUnit: 'Count',
      },
    };
  }),
};
