/**
 * Cloud errors, classified once where SDK errors are caught (cloud/alibaba/map-error.ts):
 * - `retryable`: throttling, 5xx, one-change-at-a-time conflicts; safe to try again.
 * - `dependency`: something still uses the resource; retry while it drains (deletes).
 * - `not-found`: the resource does not exist.
 * - `user`: the request cannot succeed as is (quota, invalid parameter, overlap); the user can fix it.
 * - `fatal`: credentials, permissions; nothing vpnbot can do.
 * Each keeps the cloud's code, message and request id.
 */
import { VpnbotError, type ErrorCode } from '../errors';

export type CloudErrorCategory = 'retryable' | 'dependency' | 'not-found' | 'user' | 'fatal';

export class CloudError extends VpnbotError {
  constructor(
    readonly category: CloudErrorCategory,
    readonly cloudCode: string,
    message: string,
    readonly requestId: string | undefined,
    /** The call may have been applied before it failed (5xx, timeout): look before retrying a create. */
    readonly ambiguous: boolean,
    /** `code`: a more precise fault code than the category's (`cloud.unreachable` for transport errors). */
    options: { cause?: unknown; code?: ErrorCode } = {},
  ) {
    super(options.code ?? `cloud.${category}`, message, {
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      details: { cloudCode, requestId },
    });
    this.name = 'CloudError';
  }
}

export function isCloudError(error: unknown): error is CloudError {
  return error instanceof CloudError;
}
