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
  /** A concrete way out, e.g. "did you mean 192.168.0.0/16?". Every problem has one. */
  readonly hint: string;
  /** How many times the same problem occurs in the input (absent: once). */
  readonly count?: number;
}

export type Result<T, E = Problem[]> = { ok: true; value: T } | { ok: false; problems: E };

export function problem(code: string, path: string, message: string, hint: string): Problem {
  return { code, path, message, hint };
}

/**
 * The same problem reported once, with how often it occurs: a site listing one CIDR 2,000 times is
 * one problem, not two thousand. Keeps the order of first occurrence. Linear in the input.
 */
export function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const byKey = new Map<string, { p: Problem; n: number }>();
  for (const p of problems) {
    const key = `${p.code}\u0000${p.path}\u0000${p.message}\u0000${p.hint}`;
    const seen = byKey.get(key);
    if (seen) seen.n += p.count ?? 1;
    else byKey.set(key, { p, n: p.count ?? 1 });
  }
  return [...byKey.values()].map(({ p, n }) => (n > 1 ? { ...p, count: n } : p));
}

/** Problems printed at most; the rest are counted, so a pathological input gets a short answer. */
export const MAX_PROBLEMS_SHOWN = 20;

/** One line per problem, for terminals and logs: `path: message (hint) [code]`, capped at `max` lines. */
export function formatProblems(problems: readonly Problem[], max = MAX_PROBLEMS_SHOWN): string {
  const lines = problems
    .slice(0, max)
    .map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}${p.count ? ` (${p.count} times)` : ''} (${p.hint}) [${p.code}]`);
  if (problems.length > max) lines.push(`... and ${problems.length - max} more problems (fix the ones above first)`);
  return lines.join('\n');
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
