/**
 * Why a tunnel to an on-premises device stays down, in words a network engineer acts on, read from
 * what the cloud reports (its IKE log for the tunnel, DescribeVpnConnectionLogs). The patterns are
 * the one place the cloud's log wording is read: UNVERIFIED against Alibaba Cloud (its wording is
 * not documented; these are the emulator's, which follow what an IKE responder reports), so a line
 * none of them matches is shown as the cloud wrote it.
 */

export type DiagnosisKind =
  | 'no-response'
  | 'wrong-peer-ip'
  | 'psk-mismatch'
  | 'identity-mismatch'
  | 'proposal-mismatch'
  | 'selector-mismatch'
  | 'unknown';

export interface Diagnosis {
  readonly kind: DiagnosisKind;
  /** What is wrong and what to do, one sentence or two. */
  readonly words: string;
  /** The cloud's own line it was read from. */
  readonly reported: string;
}

export interface TunnelFacts {
  readonly topology: string;
  readonly site: string;
  readonly deviceAddress: string;
  readonly cloudAddress: string;
  readonly role: 'master' | 'slave';
  readonly tunnelId: string;
}

const PATTERNS: readonly [RegExp, DiagnosisKind][] = [
  [/no response from|retransmission timeout|peer not responding/i, 'no-response'],
  [/NO_PROPOSAL_CHOSEN.*no IKE configuration for peer|no IKE config(uration)? found/i, 'wrong-peer-ip'],
  [/identity mismatch|INVALID_ID_INFORMATION/i, 'identity-mismatch'],
  [/pre-shared key mismatch|authentication failed|AUTHENTICATION_FAILED/i, 'psk-mismatch'],
  [/traffic selectors do not match|TS_UNACCEPTABLE|INVALID_ID.*selector/i, 'selector-mismatch'],
  [/no proposal chosen|NO_PROPOSAL_CHOSEN|version mismatch/i, 'proposal-mismatch'],
];

/** The log line about one tunnel: the cloud's lines name the tunnel on a dual-tunnel connection. */
export function lineAbout(log: string, tunnelId: string): string {
  const lines = log
    .split(/;\s+|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.find((l) => l.includes(tunnelId)) ?? lines[0] ?? '';
}

export function diagnose(log: string, t: TunnelFacts): Diagnosis {
  const reported = lineAbout(log, t.tunnelId)
    .replace(/^\S+: tunnel (master|slave) \S+: /, '')
    .trim();
  const kind = PATTERNS.find(([re]) => re.test(reported))?.[1] ?? 'unknown';
  const tunnel = `the ${t.role === 'master' ? 'master' : 'backup'} tunnel (${t.cloudAddress})`;
  const file = `\`/vpn config ${t.topology} ${t.site} <vendor>\``;
  const words: Record<DiagnosisKind, string> = {
    'no-response': `${tunnel}: the device at ${t.deviceAddress} does not answer. Is it configured (${file}), and do UDP 500 and 4500 reach it from ${t.cloudAddress}?`,
    'wrong-peer-ip': `${tunnel}: wrong peer IP. The device has no IKE configuration for ${t.cloudAddress}: its peer (remote gateway) for this tunnel must be ${t.cloudAddress}.`,
    'identity-mismatch': `${tunnel}: the IKE identities differ. The device must present ${t.deviceAddress} and expect ${t.cloudAddress} (IP identities, main mode).`,
    'psk-mismatch': `${tunnel}: PSK mismatch. The device's pre-shared key for ${t.cloudAddress} is not the cloud's; its owners get the current one with ${file}.`,
    'proposal-mismatch': `${tunnel}: proposal mismatch. The device's IKE or IPsec proposals differ from the cloud's; ${file} has them.`,
    'selector-mismatch': `${tunnel}: the networks differ. The device's local and remote subnets must mirror the cloud's, one pair per SA; ${file} has them.`,
    unknown: `${tunnel} is down: the cloud reports "${reported || 'nothing'}".`,
  };
  return { kind, words: words[kind], reported };
}
