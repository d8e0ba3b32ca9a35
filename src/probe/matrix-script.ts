/**
 * The script Cloud Assistant runs on each probe instance (bash and iputils ping, as on Alibaba Cloud
 * Linux): every target pinged at once in the background, each into its own file, then the files
 * printed in order between markers, so parallel output never interleaves. Only addresses go into
 * the script (validated here), so nothing a user typed reaches a shell.
 */
import { parsePingOutput, type PingReport } from './ping-output';

export interface MatrixScriptOptions {
  /** Echo requests per target. */
  readonly count: number;
  /** Seconds between requests (0.2 is the least iputils allows without root). */
  readonly interval: number;
  /** Seconds to wait for each reply. */
  readonly wait: number;
}

export const DEFAULT_PING: MatrixScriptOptions = { count: 5, interval: 0.2, wait: 2 };

const MARKER = '@@vpnbot-ping';
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function matrixScript(targets: readonly string[], options: MatrixScriptOptions = DEFAULT_PING): string {
  for (const t of targets) if (!IPV4.test(t)) throw new Error(`not an IPv4 address: ${JSON.stringify(t)}`);
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 100)
    throw new Error(`count must be 1 to 100, got ${options.count}`);
  const ping = (t: string, i: number) =>
    `ping -n -c ${options.count} -i ${options.interval} -W ${options.wait} ${t} > "$d/${i}" 2>&1 &`;
  return [
    '#!/bin/bash',
    `# vpnbot ping matrix: ${targets.length} target(s), ${options.count} echo requests each, all at once.`,
    'd=$(mktemp -d)',
    ...targets.map((t, i) => ping(t, i + 1)),
    'wait',
    ...targets.flatMap((t, i) => [`echo "${MARKER} ${i + 1} ${t}"`, `cat "$d/${i + 1}"`]),
    'rm -rf "$d"',
    '',
  ].join('\n');
}

/** Seconds the script needs at most: the slowest ping, plus margin for the agent. */
export function matrixScriptSeconds(options: MatrixScriptOptions = DEFAULT_PING): number {
  return Math.ceil((options.count - 1) * options.interval + options.wait + 10);
}

export interface TargetSection {
  readonly target: string;
  /** What ping printed for this target; undefined when the output stops before its section. */
  readonly report?: PingReport;
}

/** Splits a script's output by its markers and reads each target's section. */
export function splitMatrixOutput(output: string, targets: readonly string[]): TargetSection[] {
  const sections = new Map<string, string>();
  let current: string | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith(`${MARKER} `)) {
      current = line.split(' ')[2];
      if (current !== undefined) sections.set(current, '');
    } else if (current !== undefined) sections.set(current, `${sections.get(current)!}${line}\n`);
  }
  return targets.map((target) => {
    const text = sections.get(target);
    return text === undefined ? { target } : { target, report: parsePingOutput(text) };
  });
}
