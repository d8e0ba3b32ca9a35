/**
 * Turns for the ping matrix on inter-region connections that have only the test bandwidth
 * (1 Kbit/s, "for connectivity tests only"): there, the full-speed probe (5 pings of 64 bytes at
 * 0.2 s to every target at once) would lose packets on every pair that crosses, and report a fault
 * that is not there. A pair across such a connection is pinged once a second with a 16-byte
 * payload (the least that still carries the timestamp ping's RTT needs), and the pairs on one
 * connection take turns: one pair at a time, so each direction carries one 44-byte packet a second
 * (352 bit/s), under the 1,000 even when two land in one second. Every other pair goes at full
 * speed in the first round.
 *
 * Turns between sources are rounds (the next starts once the last has finished: no clock is shared
 * between instances); within a round a source pings its pairs on a connection one after the other
 * (`startAfter`), and pairs on different connections at once.
 */
import type { MatrixScriptOptions } from './matrix-script';

/** A ping of a paced pair: options for iputils and the payload size. */
export interface PingProfile extends MatrixScriptOptions {
  /** Payload bytes (`-s`); iputils' default is 56. */
  readonly size?: number;
}

/** At most this many pings per paced pair, whatever was asked: the test bandwidth makes each cost a second. */
export const PACED_MAX_COUNT = 3;
export const PACED_PING: PingProfile = { count: PACED_MAX_COUNT, interval: 1, wait: 2, size: 16 };
/** Between one paced pair and the next on a connection, beyond its last ping's second. */
const TURN_GAP_SECONDS = 0.5;

export const describePacing = (p: PingProfile) =>
  `paced for the 1 Kbit/s test bandwidth of an inter-region connection: ${p.count} ping${p.count === 1 ? '' : 's'}, one a second, ${p.size}-byte payload, one pair at a time`;

export interface ScheduledTarget {
  readonly to: string;
  readonly ping: PingProfile;
  /** Seconds after the round's script starts. */
  readonly startAfter: number;
  readonly paced: boolean;
}

/** One round: each source's targets in it. */
export type Round = ReadonlyMap<string, readonly ScheduledTarget[]>;

/**
 * `sites`: the probes' sites. `paced`: for each ordered pair (`from>to`) that crosses a connection on
 * the test bandwidth, the ids of those connections. `fullSpeed`: how the other pairs are pinged.
 */
export function paceSchedule(
  sites: readonly string[],
  paced: ReadonlyMap<string, readonly string[]>,
  fullSpeed: MatrixScriptOptions,
): Round[] {
  const slow: PingProfile = { ...PACED_PING, count: Math.min(fullSpeed.count, PACED_MAX_COUNT) };
  const turnSeconds = slow.count * slow.interval + TURN_GAP_SECONDS;
  const first = new Map<string, ScheduledTarget[]>();
  // Jobs: a source's paced pairs over one set of connections, pinged one after the other.
  const jobs = new Map<string, { source: string; links: readonly string[]; targets: string[] }>();
  for (const from of sites) {
    const fast: ScheduledTarget[] = [];
    for (const to of sites) {
      if (to === from) continue;
      const links = paced.get(`${from}>${to}`);
      if (!links || links.length === 0) {
        fast.push({ to, ping: fullSpeed, startAfter: 0, paced: false });
        continue;
      }
      const key = `${from} ${[...links].sort().join(',')}`;
      const job = jobs.get(key) ?? { source: from, links: [...links].sort(), targets: [] };
      job.targets.push(to);
      jobs.set(key, job);
    }
    if (fast.length > 0) first.set(from, fast);
  }
  const rounds: { targets: Map<string, ScheduledTarget[]>; links: Set<string> }[] = [
    { targets: first, links: new Set() },
  ];
  // First fit, longest first: a job goes in the first round where none of its connections is taken.
  const ordered = [...jobs.values()].sort((a, b) => b.targets.length - a.targets.length);
  for (const job of ordered) {
    let round = rounds.find((r) => job.links.every((l) => !r.links.has(l)));
    if (!round) {
      round = { targets: new Map(), links: new Set() };
      rounds.push(round);
    }
    for (const l of job.links) round.links.add(l);
    const list = round.targets.get(job.source) ?? [];
    for (const [i, to] of job.targets.entries())
      list.push({ to, ping: slow, startAfter: i * turnSeconds, paced: true });
    round.targets.set(job.source, list);
  }
  return rounds.filter((r) => r.targets.size > 0).map((r) => r.targets);
}
