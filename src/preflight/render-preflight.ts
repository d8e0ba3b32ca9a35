/** A preflight report in words: one line for a plan, the full list for `doctor`. No secrets: findings name actions, zones, codes. */
import { blockingFindings, type Finding, type PreflightReport } from './finding';

/** `preflight: 9 checks pass`, or what fails and that approval waits for it. */
export function preflightLine(r: PreflightReport): string {
  const passed = r.checks.filter((c) => c.ok).length;
  const blocking = blockingFindings(r);
  const warnings = r.findings.length - blocking.length;
  const head =
    passed === r.checks.length
      ? `preflight: ${r.checks.length} checks pass`
      : `preflight: ${passed} of ${r.checks.length} checks pass`;
  const warn = warnings ? `; ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  if (blocking.length === 0) return `${head}${warn}`;
  const list = blocking.map((f) => `${f.code} (${f.subject})`).join(', ');
  return `${head}; BLOCKING: ${list}${warn}. No plan can be approved until ${blocking.length === 1 ? 'it is' : 'they are'} fixed (\`doctor\` shows how).`;
}

export function findingText(f: Finding): string {
  return `${f.blocking ? 'BLOCKING' : 'warning'} [${f.code}] ${f.subject}: ${f.meaning}\n  fix: ${f.fix}`;
}

/** Every check, then every finding with its fix, then what it cost. */
export function preflightText(r: PreflightReport): string {
  const checks = r.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.class}: ${c.what}`);
  const findings = r.findings.length ? ['', ...r.findings.map(findingText)] : [];
  return [
    preflightLine(r),
    `account: ${r.site}`,
    ...checks,
    ...findings,
    '',
    `${r.checks.length} checks, ${r.calls} cloud calls, ${r.ms} ms`,
  ].join('\n');
}

/** Why an approval is refused: the blocking findings, each with its fix. */
export function blockedReason(r: PreflightReport): string {
  const blocking = blockingFindings(r);
  return `the preflight found ${blocking.length === 1 ? 'a blocking problem' : `${blocking.length} blocking problems`} the apply would fail on: ${blocking.map((f) => `${f.code} (${f.subject}): ${f.fix}`).join('; ')}`;
}
