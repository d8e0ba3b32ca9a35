/**
 * What a preflight finds, as values every front end renders: a stable code
 * (`preflight.<class>.<what>`), what it means, the fix, and whether it blocks approval (it would
 * make the apply fail). The catalogue below is the one list of codes (docs/operations.md has it).
 */

export const FINDING_CLASSES = ['identity', 'zone', 'stock', 'permission', 'quota', 'billing'] as const;
export type FindingClass = (typeof FINDING_CLASSES)[number];

export interface Finding {
  readonly code: FindingCode;
  readonly class: FindingClass;
  /** True when the apply would fail on it: the plan cannot be approved while it stands. */
  readonly blocking: boolean;
  /** What it is about: a region, zone, action, probe. */
  readonly subject: string;
  /** What it means, in this case. */
  readonly meaning: string;
  /** What to do. */
  readonly fix: string;
}

/**
 * Every finding code, with its class and whether it blocks; the words are written where it is found.
 * `.unchecked`: the check's call failed for a reason that says nothing of the apply (a busy cloud, a
 * read the preflight alone makes): a warning, never a block, so a passing hiccup cannot refuse an
 * approval.
 */
export const FINDING_CODES = {
  'preflight.identity.credentials': { class: 'identity', blocking: true },
  'preflight.identity.unreachable': { class: 'identity', blocking: true },
  'preflight.identity.root-account': { class: 'identity', blocking: false },
  'preflight.identity.unchecked': { class: 'identity', blocking: false },
  'preflight.zone.vpn-gateway': { class: 'zone', blocking: true },
  'preflight.zone.transit-router': { class: 'zone', blocking: true },
  'preflight.zone.unchecked': { class: 'zone', blocking: false },
  'preflight.stock.sold-out': { class: 'stock', blocking: true },
  'preflight.stock.not-sold': { class: 'stock', blocking: true },
  'preflight.stock.unchecked': { class: 'stock', blocking: false },
  'preflight.permission.denied': { class: 'permission', blocking: true },
  'preflight.permission.check-denied': { class: 'permission', blocking: false },
  'preflight.permission.dry-run-refused': { class: 'permission', blocking: true },
  'preflight.permission.unchecked': { class: 'permission', blocking: false },
  'preflight.quota.vpn-gateways': { class: 'quota', blocking: true },
  'preflight.quota.unchecked': { class: 'quota', blocking: false },
  'preflight.billing.site-mismatch': { class: 'billing', blocking: true },
  'preflight.billing.unchecked': { class: 'billing', blocking: false },
} as const satisfies Record<string, { class: FindingClass; blocking: boolean }>;

export type FindingCode = keyof typeof FINDING_CODES;

export function finding(code: FindingCode, subject: string, meaning: string, fix: string): Finding {
  const { class: cls, blocking } = FINDING_CODES[code];
  return { code, class: cls, blocking, subject, meaning, fix };
}

/** One check the preflight made: what it asked and whether it passed (a check may produce several findings). */
export interface PreflightCheck {
  readonly class: FindingClass;
  readonly what: string;
  readonly ok: boolean;
}

export interface PreflightReport {
  readonly checks: readonly PreflightCheck[];
  readonly findings: readonly Finding[];
  /** Cloud calls the checks made: at most one per check. */
  readonly calls: number;
  readonly ms: number;
  /** The site the account is configured as, and what that means for billing. */
  readonly site: string;
}

export const blockingFindings = (r: PreflightReport): Finding[] => r.findings.filter((f) => f.blocking);
