/** An error the emulated gateway answers with: JSON {RequestId, HostId, Code, Message, Recommend}. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Seconds; sets `x-acs-retry-after` so the SDK raises a ThrottlingError. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (code: string, what: string) =>
  new ApiError(code, `The specified ${what} does not exist.`, 404);
export const missing = (param: string) =>
  new ApiError(`Missing${param}`, `${param} is mandatory for this action.`, 400);
export const invalid = (param: string, why: string) =>
  new ApiError(`InvalidParameter`, `The parameter ${param} is invalid: ${why}`, 400);
