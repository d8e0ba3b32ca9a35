/**
 * Errors and refusals.
 *
 * Two families, kept apart on purpose:
 * - `Problem`: an expected refusal the user can act on (bad CIDR, quota, missing approval). It is a
 *   value, returned, never thrown; it carries a stable `code`, a `path` into the input and a `hint`.
 * - `VpnbotError`: an unexpected fault (cloud outage, corrupt state). Thrown, with a stable `code`
 *   and, where a remote service was involved, its request id.
 * Foreign errors (SDK, SQLite) are wrapped once, at the boundary that calls them.
 */

export interface Problem {
  /** Stable, dotted code, e.g. `cidr.overlap`. Front ends map codes to words; tests match codes. */
  readonly code: string;
  /** Where in the input, e.g. `sites[1].cidrs[0]`; empty for the document as a whole. */
  readonly path: string;
  readonly message: string;
  /** A concrete way out, e.g. "did you mean 192.168.0.0/16?". */
  readonly hint?: string;
}

export type Result<T, E = Problem[]> = { ok: true; value: T } | { ok: false; problems: E };

export function problem(code: string, path: string, message: string, hint?: string): Problem {
  return hint === undefined ? { code, path, message } : { code, path, message, hint };
}

/** One line per problem, for terminals and logs: `path: message (hint)`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''} [${p.code}]`)
    .join('\n');
}

export class VpnbotError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VpnbotError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isVpnbotError(e: unknown): e is VpnbotError {
  return e instanceof VpnbotError;
}
