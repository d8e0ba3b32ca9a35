/**
 * A failed step as every front end reports it: the cloud's code (or vpnbot's), the message, the
 * request id to quote to Alibaba support, and whether the requester can fix it or it is a fault
 * for an operator. Made once, from whatever was thrown, and carried unchanged to RunResult.
 */
import { isCloudError } from '../cloud/cloud-error';
import { ERROR_CODES, isVpnbotError } from '../errors';
import { redactSecrets } from '../redact';

export interface StepFailure {
  readonly stepId: string;
  /** The cloud's error code (e.g. `QuotaExceeded.Vpc`) or vpnbot's (e.g. `engine.tunnel-down`). */
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
  /** The requester can act on it (quota, parameters, keys); otherwise it is a fault for an operator. */
  readonly userFixable: boolean;
  readonly hint: string;
}

/** The failure's message is redacted here too: it reaches chat, logs and the database from here. */
export function toStepFailure(stepId: string, error: unknown): StepFailure {
  if (isCloudError(error)) {
    const entry = ERROR_CODES[error.code];
    return {
      stepId,
      code: error.cloudCode,
      message: redactSecrets(error.message),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      userFixable: entry.userFixable,
      hint: entry.hint,
    };
  }
  if (isVpnbotError(error))
    return {
      stepId,
      code: error.code,
      message: redactSecrets(error.message),
      userFixable: ERROR_CODES[error.code].userFixable,
      hint: ERROR_CODES[error.code].hint,
    };
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return { stepId, code: 'engine.fault', message, userFixable: false, hint: ERROR_CODES['engine.fault'].hint };
}
