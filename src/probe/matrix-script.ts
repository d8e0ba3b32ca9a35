/**
 * The script Cloud Assistant runs on each probe instance (bash and iputils ping, as on Alibaba Cloud
 * Linux): every target pinged in the background, each into its own file, then the files printed in
 * order between markers, so parallel output never interleaves. A target may have its own ping
 * (pace-schedule.ts: slower, smaller) and start later (`sleep N && ping ... &`, its turn). Only
 * addresses and numbers go into the script (checked here), so nothing a user typed reaches a shell.
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

/** A target with a ping of its own (count, interval, wait, payload size) and a delayed start, in seconds. */
export interface ScriptTarget {
  readonly ip: string;
  readonly ping?: MatrixScriptOptions & { readonly size?: number };
  readonly startAfter?: number;
}

const number = (name: string, v: number | undefined, min: number, max: number, integer = false) => {
  if (v === undefined || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    throw new Error(`${name} must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}, got ${v}`);
  return v;
};

export function matrixScript(
  targets: readonly (string | ScriptTarget)[],
  options: MatrixScriptOptions = DEFAULT_PING,
): string {
  const list = targets.map((t) => (typeof t === 'string' ? { ip: t } : t));
  for (const t of list) if (!IPV4.test(t.ip)) throw new Error(`not an IPv4 address: ${JSON.stringify(t.ip)}`);
  const ping = (t: ScriptTarget, i: number) => {
    const p: MatrixScriptOptions & { readonly size?: number } = t.ping ?? options;
    const count = number('count', p.count, 1, 100, true);
    const interval = number('interval', p.interval, 0.2, 60);
    const wait = number('wait', p.wait, 1, 60);
    const size = p.size !== undefined ? ` -s ${number('size', p.size, 16, 1472, true)}` : '';
    const command = `ping -n -c ${count} -i ${interval}${size} -W ${wait} ${t.ip} > "$d/${i}" 2>&1 &`;
    const after = number('startAfter', t.startAfter ?? 0, 0, 86_400);
    return after > 0 ? `sleep ${after} && ${command}` : command;
  };
  const delayed = list.some((t) => (t.startAfter ?? 0) > 0);
  return [
    '#!/bin/bash',
    `# vpnbot ping matrix: ${list.length} target(s), ${delayed ? 'some taking turns' : 'all at once'}.`,
    'd=$(mktemp -d)',
    ...list.map((t, i) => ping(t, i + 1)),
    'wait',
    ...list.flatMap((t, i) => [`echo "${MARKER} ${i + 1} ${t.ip}"`, `cat "$d/${i + 1}"`]),
    'rm -rf "$d"',
    '',
  ].join('\n');
}

/** Seconds the script needs at most: the last ping to end, plus margin for the agent. */
export function matrixScriptSeconds(
  options: MatrixScriptOptions = DEFAULT_PING,
  targets: readonly ScriptTarget[] = [],
): number {
  const end = (p: MatrixScriptOptions, after = 0) => after + (p.count - 1) * p.interval + p.wait;
  return Math.ceil(Math.max(end(options), ...targets.map((t) => end(t.ping ?? options, t.startAfter))) + 10);
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
