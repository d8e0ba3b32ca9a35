/**
 * Reads what `ping` printed: iputils (Alibaba Cloud Linux, Debian, ...), BusyBox (Alpine,
 * appliances) and GNU inetutils, over IPv4 and IPv6 (`ping -6`, `ping6`), with `-D` timestamps
 * and in quiet mode (`-q`: the statistics alone). Total: any text gives a report; what could not be
 * read is in `errors`. One text may hold several runs (a script pinging each target in turn); each
 * `PING` header starts one.
 *
 * 100 % loss is a result, not a failure of the check (ping exits 1 for it); an unknown host or a
 * run cut short before its statistics is reported as such. ICMP errors are counted wherever they
 * come from: a router (`From 10.0.0.1 icmp_seq=1 Destination Host Unreachable`), or this host when
 * no neighbour answers for the address (inetutils prints those as `92 bytes from ...`).
 */

export type PingProgram = 'iputils' | 'busybox' | 'inetutils' | 'unknown';

export interface PingReply {
  readonly seq: number;
  readonly ttl: number;
  readonly timeMs: number;
  readonly duplicate: boolean;
}

/** An ICMP error answered instead of a reply, e.g. `Destination Host Unreachable` from a router. */
export interface IcmpError {
  readonly from: string;
  readonly seq: number;
  readonly message: string;
}

export interface PingTargetReport {
  /** The address pinged, as the header prints it. */
  readonly target: string;
  readonly transmitted: number;
  readonly received: number;
  readonly lossPct: number;
  readonly duplicates: number;
  /** ICMP errors counted by the statistics (`+N errors`), or seen when the statistics do not count them. */
  readonly errors: number;
  readonly rttMinMs?: number;
  readonly rttAvgMs?: number;
  readonly rttMaxMs?: number;
  /** iputils' mdev, inetutils' stddev. */
  readonly rttMdevMs?: number;
  /** TTL of the replies (the most frequent when they differ); absent without replies or in quiet mode. */
  readonly ttl?: number;
  readonly replies: readonly PingReply[];
  readonly icmpErrors: readonly IcmpError[];
  /** False when the run was cut short before its statistics: the figures come from the replies seen. */
  readonly complete: boolean;
}

export interface PingReport {
  readonly program: PingProgram;
  readonly targets: readonly PingTargetReport[];
  /** Lines that say ping could not run: unknown host, bad option, no permission. */
  readonly errors: readonly { readonly target?: string; readonly message: string }[];
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
/** iputils: `PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.`; over IPv6 `PING ::1(::1) 56 data bytes` or `PING h(h (::1)) ...`. */
const HEADER_IPUTILS = /^PING (\S+?) ?\((?:\S+ \()?([^()\s]+)\)?\) \d+(?:\(\d+\))? (?:bytes of data\.|data bytes)$/;
/** BusyBox and inetutils: `PING 10.0.0.1 (10.0.0.1): 56 data bytes`. */
const HEADER_COLON = /^PING (\S+) \(([^)]+)\): \d+ data bytes$/;
const REPLY = new RegExp(String.raw`^\d+ bytes from (.+?): (icmp_seq|seq)=(\d+) ttl=(\d+) time=${NUM} ms( \(DUP!\))?$`);
const ICMP_ERROR = /^From (\S+?)(?: \([^)]*\))?:? icmp_seq=(\d+) (.+)$/;
/** inetutils' ICMP errors carry no sequence number: `92 bytes from 10.0.0.1: Destination Host Unreachable`. */
const ICMP_ERROR_INETUTILS = /^\d+ bytes from (.+?): (?!icmp_seq=|seq=)([A-Z].+)$/;
const STATS = /^(\d+) packets transmitted, (\d+)(?: packets)? received(.*?), ([\d.]+)% packet loss/;
const RTT = new RegExp(`^(?:rtt|round-trip) min/avg(?:/max)?(/mdev|/stddev)? = ${NUM}/${NUM}/${NUM}(?:/${NUM})? ms`);
/** `ping -D` puts the time of each line in front of it. */
const TIMESTAMP = /^\[\d+(?:\.\d+)?\] /;
const UNKNOWN_HOST = [
  /^ping: (\S+): (Name or service not known|Temporary failure in name resolution|No address associated with hostname|Address family for hostname not supported)$/,
  /^ping: bad address '([^']+)'$/,
  /^ping: unknown host (\S+)$/,
];

interface Draft {
  target: string;
  program: PingProgram;
  replies: PingReply[];
  icmpErrors: IcmpError[];
  stats?: { transmitted: number; received: number; lossPct: number; duplicates: number; errors: number };
  rtt?: { min: number; avg: number; max: number; mdev?: number };
}

export function parsePingOutput(text: string): PingReport {
  const drafts: Draft[] = [];
  const errors: { target?: string; message: string }[] = [];
  let current: Draft | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(TIMESTAMP, '');
    if (line === '') continue;
    const header = HEADER_IPUTILS.exec(line) ?? HEADER_COLON.exec(line);
    if (header) {
      current = {
        target: header[2]!,
        // BusyBox and inetutils share a header; inetutils shows itself in its replies, errors or summary.
        program: HEADER_IPUTILS.test(line) ? 'iputils' : 'busybox',
        replies: [],
        icmpErrors: [],
      };
      drafts.push(current);
      continue;
    }
    const unknown = UNKNOWN_HOST.map((r) => r.exec(line)).find((m) => m);
    if (unknown) {
      errors.push({ target: unknown[1]!, message: `unknown host ${unknown[1]!}` });
      current = undefined;
      continue;
    }
    if (!current) {
      if (/^ping: /.test(line)) errors.push({ message: line });
      continue;
    }
    const reply = REPLY.exec(line);
    if (reply) {
      if (current.program === 'busybox' && reply[2] === 'icmp_seq') current.program = 'inetutils';
      current.replies.push({
        seq: Number(reply[3]),
        ttl: Number(reply[4]),
        timeMs: Number(reply[5]),
        duplicate: reply[6] !== undefined,
      });
      continue;
    }
    const icmp = ICMP_ERROR.exec(line);
    if (icmp) {
      current.icmpErrors.push({ from: icmp[1]!, seq: Number(icmp[2]), message: icmp[3]! });
      continue;
    }
    const unnumbered = ICMP_ERROR_INETUTILS.exec(line);
    if (unnumbered) {
      if (current.program === 'busybox') current.program = 'inetutils';
      // Numbered in the order they came, from 0 as inetutils numbers its requests.
      current.icmpErrors.push({ from: unnumbered[1]!, seq: current.icmpErrors.length, message: unnumbered[2]! });
      continue;
    }
    const stats = STATS.exec(line);
    if (stats) {
      const extra = stats[3]!;
      current.stats = {
        transmitted: Number(stats[1]),
        received: Number(stats[2]),
        lossPct: Number(stats[4]),
        duplicates: Number(/\+(\d+) duplicates/.exec(extra)?.[1] ?? /, (\d+) duplicates/.exec(extra)?.[1] ?? 0),
        errors: Number(/\+(\d+) errors/.exec(extra)?.[1] ?? 0),
      };
      continue;
    }
    const rtt = RTT.exec(line);
    if (rtt) {
      if (rtt[1] === '/stddev' && current.program === 'busybox') current.program = 'inetutils';
      current.rtt = {
        min: Number(rtt[2]),
        avg: Number(rtt[3]),
        max: Number(rtt[4]),
        ...(rtt[5] !== undefined ? { mdev: Number(rtt[5]) } : {}),
      };
      continue;
    }
    if (/^ping: /.test(line)) errors.push({ target: current.target, message: line });
  }
  const programs = new Set(drafts.map((d) => d.program));
  const program: PingProgram = programs.size === 1 ? [...programs][0]! : 'unknown';
  return { program, targets: drafts.map(finish), errors };
}

function finish(d: Draft): PingTargetReport {
  const unique = d.replies.filter((r) => !r.duplicate);
  const ttl = mostFrequent(d.replies.map((r) => r.ttl));
  if (d.stats) {
    const rtt = d.rtt ?? (unique.length ? summarize(unique.map((r) => r.timeMs)) : undefined);
    return {
      target: d.target,
      ...d.stats,
      // inetutils does not count ICMP errors in its statistics: the ones seen are the count.
      errors: Math.max(d.stats.errors, d.icmpErrors.length),
      replies: d.replies,
      icmpErrors: d.icmpErrors,
      complete: true,
      ...(rtt
        ? {
            rttMinMs: rtt.min,
            rttAvgMs: rtt.avg,
            rttMaxMs: rtt.max,
            ...(rtt.mdev !== undefined ? { rttMdevMs: rtt.mdev } : {}),
          }
        : {}),
      ...(ttl !== undefined ? { ttl } : {}),
    };
  }
  // Cut short: count what was seen. The last sequence number answered or errored is the least sent.
  const seqs = [...d.replies.map((r) => r.seq), ...d.icmpErrors.map((e) => e.seq)];
  const base = d.program === 'iputils' ? 1 : 0;
  const transmitted = seqs.length ? Math.max(...seqs) - base + 1 : 0;
  const received = unique.length;
  const rtt = unique.length ? summarize(unique.map((r) => r.timeMs)) : undefined;
  return {
    target: d.target,
    transmitted,
    received,
    lossPct: transmitted ? round(((transmitted - received) * 100) / transmitted) : 0,
    duplicates: d.replies.length - unique.length,
    errors: d.icmpErrors.length,
    replies: d.replies,
    icmpErrors: d.icmpErrors,
    complete: false,
    ...(rtt ? { rttMinMs: rtt.min, rttAvgMs: rtt.avg, rttMaxMs: rtt.max, rttMdevMs: rtt.mdev } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
  };
}

function summarize(times: readonly number[]): { min: number; avg: number; max: number; mdev: number } {
  const avg = times.reduce((a, b) => a + b, 0) / times.length;
  const mdev = Math.sqrt(Math.max(0, times.reduce((a, b) => a + b * b, 0) / times.length - avg * avg));
  return { min: Math.min(...times), avg: round(avg), max: Math.max(...times), mdev: round(mdev) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function mostFrequent(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}
