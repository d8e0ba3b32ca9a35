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
    .map(
      (p) =>
        `${p.path ? `${p.path}: ` : ''}${p.message}${p.count ? ` (${p.count} times)` : ''} (${p.hint}) [${p.code}]`,
    );
  if (problems.length > max) lines.push(`... and ${problems.length - max} more problems (fix the ones above first)`);
  return lines.join('\n');
}

/**
 * Every fault code vpnbot raises, whether the person who asked can fix it (quota, key mismatch,
 * something deleted behind vpnbot's back) or it is a fault for an operator, and what to do. The one
 * table front ends and docs/operations.md's troubleshooting section read.
 */
export const ERROR_CODES = {
  'engine.fault': {
    userFixable: false,
    hint: 'an unexpected fault inside vpnbot; the log has the details under the same run id',
  },
  'engine.missing-output': {
    userFixable: false,
    hint: 'a step ran before a value it needs was known; plan again, and report it if it repeats',
  },
  'engine.resource-failed': {
    userFixable: false,
    hint: 'the cloud reported the resource as failed; see the message, fix the cause, then retry',
  },
  'engine.timeout': {
    userFixable: false,
    hint: 'the resource did not become ready in time; retry (the run resumes where it stopped)',
  },
  'engine.tunnel-down': {
    userFixable: true,
    hint: 'the IPsec tunnel did not come up: check the pre-shared key, IKE version and proposals on both sides (the IKE log reason is in the message)',
  },
  'engine.resource-gone': {
    userFixable: true,
    hint: 'the resource was deleted outside vpnbot; plan again to recreate it',
  },
  'engine.skipped': { userFixable: false, hint: 'not run because a step it depends on failed; fix that one and retry' },
  'engine.topology-busy': {
    userFixable: true,
    hint: 'another run is changing this topology; wait for it to finish (its thread shows its progress), then plan again',
  },
  'engine.cancelled': { userFixable: false, hint: 'the run was interrupted; apply again to finish it' },
  'rotation.matrix-not-green': {
    userFixable: true,
    hint: 'the ping matrix was not green after a key changed: the rotation stopped there and the tunnels not yet rotated carry the traffic; /vpn ping shows why, then propose the rotation again',
  },
  'cloud.retryable': {
    userFixable: false,
    hint: 'the cloud was busy or throttling, even after retries; try again later',
  },
  'cloud.unreachable': {
    userFixable: false,
    hint: 'the cloud API did not answer (the message names the endpoint and why: DNS, connect, TLS or timeout): check VPNBOT_ALIBABA_ENDPOINT, the network, proxies and firewalls; VPNBOT_CLOUD_TIMEOUT_MS is the deadline of one call',
  },
  'cloud.dependency': { userFixable: false, hint: 'something still uses the resource; retry once it is released' },
  'cloud.not-found': {
    userFixable: true,
    hint: 'the cloud does not know the resource or id; check ids under existing: and plan again',
  },
  'cloud.user': {
    userFixable: true,
    hint: 'the cloud refused the request as given (quota, parameter, overlap); the message says which',
  },
  'cloud.fatal': { userFixable: false, hint: 'credentials or permissions: check the access key and its RAM policy' },
  'cloud.financial-locked': {
    userFixable: false,
    hint: 'the Alibaba Cloud account has an overdue payment and its VPN gateways are locked: settle the overdue bills in the Billing Management console, then retry',
  },
  'config.no-credentials': {
    userFixable: false,
    hint: 'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or unset VPNBOT_ALIBABA_ENDPOINT for the sandbox',
  },
  'sandbox.held': {
    userFixable: false,
    hint: 'another vpnbot holds the sandbox of this data directory (the message says which): stop it, or give this one another directory with VPNBOT_DB',
  },
  'storage.open': {
    userFixable: false,
    hint: 'the database could not be opened: check VPNBOT_DB, the directory and its permissions',
  },
  'storage.newer-schema': {
    userFixable: false,
    hint: 'the database was written by a newer vpnbot: upgrade vpnbot, or point VPNBOT_DB elsewhere',
  },
  'storage.secret-key-mismatch': {
    userFixable: false,
    hint: 'the secret key does not open the stored secrets: use the key the database was created with',
  },
  'storage.key-file-permissions': { userFixable: false, hint: 'the key file is readable by others: chmod 600 it' },
  'storage.file-owner': {
    userFixable: false,
    hint: 'the database or the key file belongs to another user: chown it to the user vpnbot runs as',
  },
  'storage.secret-format': { userFixable: false, hint: 'VPNBOT_SECRET_KEY must be 16 or more characters' },
  'storage.stored-plan': {
    userFixable: false,
    hint: 'a stored plan or topology does not read as this version expects: plan again (runs stored by another version are not resumed)',
  },
  'storage.stored-measurement': {
    userFixable: false,
    hint: 'a stored ping matrix does not read as this version expects: measure again (/vpn ping <name>)',
  },
} as const satisfies Record<string, { readonly userFixable: boolean; readonly hint: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class VpnbotError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VpnbotError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isVpnbotError(error: unknown): error is VpnbotError {
  return error instanceof VpnbotError;
}
