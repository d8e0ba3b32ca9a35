/** SDK errors -> CloudError, in one place. Code lists from alibaba-api.md §4 and Terraform's retry predicates. */
import { redactedError, redactSecrets } from '../../redact';
import { CloudError, type CloudErrorCategory } from '../cloud-error';

const RETRYABLE = [
  /Throttling/,
  /^ServiceUnavailable$/,
  /^InternalError$/,
  /^SystemBusy$/,
  /^UnknownError$/,
  /^TaskConflict$/,
  /^OperationConflict$/,
  /\.Configuring$/,
  /^VpnTask\.CONFLICT$/,
  /^Operation\.Blocking$/,
  /^InvalidOperation\.(CenInstanceStatus|ChildInstanceStatus)$/,
  /^OperationFailed\.InvalidVpcStatus$/,
  /^Incorrect.*Status/,
  /^IncorrectStatus\./,
  /LastTokenProcessing/,
  /^OperationFailed\.DistibuteLock$/,
  /^IncorrectInstanceStatus/,
  // Busy codes Terraform's provider retries besides (alibaba-today.md §3).
  /^OperationFailed\.IdempotentTokenProcessing$/,
  /\.IncorrectStatus\.cbnStatus$/,
  /^OperationFailed\.NotifyCenCreate$/,
  /^InvalidStatus\.RouteEntry$/,
  /^InstanceStatus\.NotSupport$/,
  /^OperationDenied\.OtherSubnetProcessing$/,
  /^(Invalid)?Operation\.Conflict$/,
  /^OperationFailed\.SslNotSupport$/,
];
/** Busy states the cloud gives only in words, under a code that says nothing of it (CEN's publish). */
const RETRYABLE_MESSAGES = [/not in a valid state for the operation/i];
const FATAL = [
  /^InvalidAccessKeyId/,
  /^SignatureDoesNotMatch$/,
  /^IncompleteSignature$/,
  /^Forbidden/,
  /^InvalidTimeStamp/,
  /^SignatureNonceUsed$/,
  /^NoPermission/,
];
const NOT_FOUND = [
  /NotFound/,
  /^ParameterInstanceId$/,
  /^ParameterCenInstanceId$/,
  /^INSTANCE_NOT_EXISTS$/,
  /^Bid\.NotFound$/,
];

interface SdkLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  requestId?: string;
  data?: { Message?: string; RequestId?: string };
  name?: string;
}

export function classify(code: string, status: number | undefined, message = ''): CloudErrorCategory {
  if (
    RETRYABLE.some((r) => r.test(code)) ||
    (status !== undefined && status >= 500) ||
    RETRYABLE_MESSAGES.some((r) => r.test(message))
  )
    return 'retryable';
  if (code.startsWith('DependencyViolation')) return 'dependency';
  if (FATAL.some((r) => r.test(code))) return 'fatal';
  if (NOT_FOUND.some((r) => r.test(code))) return 'not-found';
  return 'user';
}

/**
 * Wraps whatever an SDK call threw. Network failures and timeouts are retryable and ambiguous.
 * The HTTP layer appends the request's URL to its errors, query and all (CreateVpnConnection's
 * IkeConfig carries the pre-shared key there): nothing it says is kept unredacted, and the
 * original error, with its request, is not kept as the cause.
 */
export function mapSdkError(thrown: unknown, action: string): CloudError {
  if (thrown instanceof CloudError) return thrown;
  const err = (thrown ?? {}) as SdkLikeError;
  const cause = redactedError(thrown);
  if (err.code === undefined || err.statusCode === undefined) {
    const message = redactSecrets(err.message ?? String(thrown));
    return new CloudError('retryable', 'NetworkError', `${action}: transport error: ${message}`, undefined, true, {
      cause,
    });
  }
  const message = redactSecrets(err.data?.Message ?? err.message ?? err.code);
  const category = classify(err.code, err.statusCode, message);
  return new CloudError(
    category,
    err.code,
    `${action}: ${err.code}: ${message}`,
    err.requestId ?? err.data?.RequestId,
    err.statusCode >= 500,
    { cause },
  );
}
