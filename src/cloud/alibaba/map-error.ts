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

/** Why a call got no answer, as a person fixing it asks: the name, the route, the certificate, or the wait. */
export type TransportCause = 'dns' | 'connect' | 'tls' | 'timeout' | 'reset' | 'other';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENETDOWN',
  'EHOSTDOWN',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TLS_CODE =
  /^(EPROTO$|ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$)/;

export function transportCause(err: { code?: unknown; name?: unknown; message?: unknown }): TransportCause {
  const code = typeof err.code === 'string' ? err.code : '';
  const text = `${String(err.name ?? '')} ${String(err.message ?? '')}`;
  if (DNS_CODES.has(code) || /getaddrinfo/i.test(text)) return 'dns';
  if (TLS_CODE.test(code) || /\b(SSL|TLS)\b|certificate/i.test(text)) return 'tls';
  if (code === 'ETIMEDOUT' || /RequestTimeout|ReadTimeout|ConnectTimeout|timed? ?out/i.test(text)) return 'timeout';
  if (CONNECT_CODES.has(code)) return 'connect';
  if (RESET_CODES.has(code) || /socket hang up/i.test(text)) return 'reset';
  return 'other';
}

/** The host (and port) a transport error names in its request line, if it does. */
function hostOf(message: string): string | undefined {
  return /\bhttps?:\/\/([^/\s?#"']+)/i.exec(message)?.[1]?.toLowerCase();
}

/**
 * A transport error in words: the cause, the endpoint, then what the layer said. The HTTP layer
 * glues its request line onto the socket's message (`...:1POST http://...`): a separator goes
 * between them, and the request line's query is redacted like any other.
 */
function transportMessage(action: string, err: SdkLikeError, cause: TransportCause): string {
  const raw = err.message ?? String(err);
  const host = hostOf(raw) ?? 'the endpoint';
  const said = redactSecrets(raw)
    .replace(/[\s:]*((?:POST|GET|PUT|DELETE|Connect)\s+https?:\/\/)/gi, '; $1')
    .replace(/^; /, '')
    .replace(/[\s:.]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const detail = said ? ` (${said})` : '';
  const words: Record<TransportCause, string> = {
    dns: `DNS: cannot resolve ${host}${detail}`,
    connect: `connect: cannot connect to ${host}${detail}`,
    tls: `TLS: the secure connection to ${host} failed${detail}`,
    timeout: `timeout: no answer from ${host} in time${detail}`,
    reset: `connection to ${host} was cut${detail}`,
    other: said || 'no answer',
  };
  return `${action}: transport error: ${words[cause]}`;
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
    const why = transportCause(err);
    // A name that does not resolve or a certificate refused is configuration: retrying cannot help.
    // (EAI_AGAIN, a resolver that did not answer, is worth another try.)
    const fixed = (why === 'dns' && err.code !== 'EAI_AGAIN') || why === 'tls';
    return new CloudError(
      fixed ? 'fatal' : 'retryable',
      'NetworkError',
      transportMessage(action, err, why),
      undefined,
      !fixed,
      { cause, code: 'cloud.unreachable' },
    );
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
