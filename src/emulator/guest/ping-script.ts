/**
 * `ping` on an emulated instance: reads its arguments (-c -i -W -q -s -n) and renders its output
 * byte-for-byte as iputils prints it.
 */

export interface PingSpec {
  readonly destination: string;
  readonly count: number;
  /** Seconds between packets. */
  readonly interval: number;
  /** Seconds to wait for each reply. */
  readonly wait: number;
  readonly quiet: boolean;
  readonly size: number;
}

export type PingArgs =
  | { readonly kind: 'ping'; readonly spec: PingSpec }
  | { readonly kind: 'usage'; readonly message: string };

/** One reply: round trip and the TTL of the echo reply; null for a lost packet. */
export type Reply = { readonly rttMs: number; readonly ttl: number } | null;

/** The arguments of one `ping` (after the command name), as iputils reads them: -c -i -W -q -s -n. */
export function parsePingArgs(args: readonly string[]): PingArgs {
  let count = Infinity;
  let interval = 1;
  let wait = 10;
  let quiet = false;
  let size = 56;
  let destination: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => args[++i];
    if (a === '-q') quiet = true;
    else if (a === '-n') continue;
    else if (a === '-c' || a === '-i' || a === '-W' || a === '-s') {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) return { kind: 'usage', message: `ping: invalid argument: '${args[i] ?? ''}'` };
      if (a === '-c') count = Math.floor(v);
      else if (a === '-i') interval = v;
      else if (a === '-W') wait = v;
      else size = Math.floor(v);
    } else if (a.startsWith('-')) return { kind: 'usage', message: `ping: invalid option -- '${a.slice(1)}'` };
    else destination = a;
  }
  if (destination === undefined) return { kind: 'usage', message: 'ping: usage error: Destination address required' };
  // A script with an endless ping would never finish: Cloud Assistant's timeout would end it.
  return {
    kind: 'ping',
    spec: { destination, count: Number.isFinite(count) ? Math.max(1, count) : 4, interval, wait, quiet, size },
  };
}

/** iputils' reply time format: 3 significant digits, whole ms from 100 up. */
export function formatRtt(ms: number): string {
  if (ms >= 100) return String(Math.floor(ms));
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export interface PingRun {
  readonly output: string;
  readonly exitCode: number;
  /** How long the command runs, in real seconds. */
  readonly seconds: number;
}

/** `overheadMs` is the few ms iputils adds to the reported `time` beyond the intervals. */
export function renderPing(spec: PingSpec, replies: readonly Reply[], overheadMs: number): PingRun {
  const { destination: d, size } = spec;
  const lines = [`PING ${d} (${d}) ${size}(${size + 28}) bytes of data.`];
  const got = replies.map((r) => (r && r.rttMs <= spec.wait * 1000 ? r : null));
  got.forEach((r, i) => {
    if (r && !spec.quiet)
      lines.push(`${size + 8} bytes from ${d}: icmp_seq=${i + 1} ttl=${r.ttl} time=${formatRtt(r.rttMs)} ms`);
  });
  const rtts = got.filter((r): r is NonNullable<Reply> => r !== null).map((r) => r.rttMs);
  const tx = replies.length;
  const rx = rtts.length;
  const loss = Number((((tx - rx) * 100) / tx).toPrecision(6));
  const elapsed = Math.round((tx - 1) * spec.interval * 1000 + overheadMs + (rx === 0 ? 100 : 0));
  lines.push(
    '',
    `--- ${d} ping statistics ---`,
    `${tx} packets transmitted, ${rx} received, ${loss}% packet loss, time ${elapsed}ms`,
  );
  if (rx > 0) {
    const avg = rtts.reduce((a, b) => a + b, 0) / rx;
    const mdev = Math.sqrt(Math.max(0, rtts.reduce((a, b) => a + b * b, 0) / rx - avg * avg));
    lines.push(
      `rtt min/avg/max/mdev = ${Math.min(...rtts).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...rtts).toFixed(3)}/${mdev.toFixed(3)} ms`,
    );
  }
  const last = got[got.length - 1];
  const seconds = (tx - 1) * spec.interval + (last ? last.rttMs / 1000 : spec.wait);
  return { output: `${lines.join('\n')}\n${rx === 0 ? '\n' : ''}`, exitCode: rx > 0 ? 0 : 1, seconds };
}
