/** Shared pieces of the emulated actions: the handler type, region checks, paging, time formats. */
import { findRegion } from '../../topology/regions';
import { ApiError } from './api-error';
import type { CallParams } from './call-params';
import type { AccountState } from '../state/account';
import type { World } from '../state/world';

export interface ActionContext {
  readonly world: World;
  readonly params: CallParams;
  /** Region implied by the endpoint host (e.g. ecs.us-west-1.aliyuncs.com), when there is one. */
  readonly hostRegion?: string;
  /** IPsec connections allowed per VPN gateway. */
  readonly ipsecConnectionQuota: number;
  /** Regions whose new VPN gateways are made another kind than the capability table says (vpc/vpn-capabilities.ts). */
  readonly tunnelModes: ReadonlyMap<string, 'dual' | 'single'>;
  /** The account: its site, what its RAM policy withholds, stock and quotas (state/account.ts). */
  readonly account: AccountState;
}

export interface Action {
  readonly handle: (ctx: ActionContext) => Record<string, unknown>;
  /** Changes state: eligible for ClientToken replay and for applied-then-5xx faults. */
  readonly mutating: boolean;
  /**
   * For actions that take `DryRun`: the checks a dry run makes (throwing the error the real call
   * would), after which the server answers `DryRunOperation` and changes nothing.
   */
  readonly dryRun?: (ctx: ActionContext) => void;
}

export type ActionTable = Readonly<Record<string, Action>>;

export const reads = (handle: Action['handle']): Action => ({ handle, mutating: false });
export const writes = (handle: Action['handle']): Action => ({ handle, mutating: true });
/** A create that takes `DryRun`: `check` is what the dry run verifies (the real call verifies it too). */
export const writesWithDryRun = (check: (ctx: ActionContext) => void, handle: Action['handle']): Action => ({
  handle: (ctx) => {
    check(ctx);
    return handle(ctx);
  },
  mutating: true,
  dryRun: check,
});

export function regionOf(ctx: ActionContext, required = true): string {
  const r = ctx.params.opt('RegionId') ?? ctx.hostRegion;
  if (r === undefined) {
    if (required) throw new ApiError('MissingRegionId', 'RegionId is mandatory for this action.', 400);
    return '';
  }
  if (!findRegion(r)) throw new ApiError('InvalidRegionId.NotFound', `The specified region ${r} does not exist.`, 404);
  return r;
}

/** PageNumber/PageSize paging, as VPC and CEN describe calls do it. */
export function page<T>(
  ctx: ActionContext,
  items: readonly T[],
  maxSize = 50,
  defaultSize = 10,
): { items: T[]; meta: Record<string, number> } {
  const pageNumber = ctx.params.int('PageNumber', 1, 1);
  const pageSize = ctx.params.int('PageSize', defaultSize, 1, maxSize);
  const start = (pageNumber - 1) * pageSize;
  return {
    items: items.slice(start, start + pageSize),
    meta: { TotalCount: items.length, PageNumber: pageNumber, PageSize: pageSize },
  };
}

/** MaxResults/NextToken paging (ECS, route entries); the token is the next offset. */
export function tokenPage<T>(
  ctx: ActionContext,
  items: readonly T[],
  maxName = 'MaxResults',
  max = 100,
  fallback = 10,
): { items: T[]; nextToken: string } {
  const size = ctx.params.int(maxName, fallback, 1, max);
  const token = ctx.params.opt('NextToken');
  const start = token === undefined ? 0 : Number.parseInt(token, 10);
  if (!Number.isInteger(start) || start < 0)
    throw new ApiError('InvalidNextToken', 'The specified NextToken is invalid.', 400);
  const slice = items.slice(start, start + size);
  return { items: slice, nextToken: start + size < items.length ? String(start + size) : '' };
}

/** A view without the fields one action's response model does not have (views are shared between actions). */
export function omit<T extends object, K extends keyof T>(view: T, ...keys: K[]): Omit<T, K> {
  const out = { ...view };
  for (const k of keys) delete out[k];
  return out;
}

export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const isoMinutes = (ms: number) => new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
