/**
 * What an inter-region connection can carry, spent packet by packet: each direction of a
 * connection carries at most its bandwidth in bits in any one-second window, and what exceeds it
 * is dropped. On the 1 Kbit/s test bandwidth a 5-per-second ping of 64 bytes loses four packets
 * of five; one ping a second of a 16-byte payload, one pair at a time, gets through.
 *
 * Time is the cloud's: seconds of emulated time (the clock's scaled second), so a script's
 * packets keep their spacing whatever the time scale. Packets are admitted in the order the
 * emulator computes them (a script's commands one after the other): the first to ask gets the
 * bandwidth, as the first to arrive would.
 */
import type { World } from '../state/world';
import type { Crossing } from './transit-routing';

/** Bytes of IP and ICMP headers around a ping's payload. */
export const PING_HEADER_BYTES = 28;

interface Sent {
  readonly t: number;
  readonly bits: number;
}

/** Sent packets per connection direction; transient (not part of a snapshot). */
const ledgers = new WeakMap<World, Map<string, Sent[]>>();

/** Packets older than this (cloud seconds) no longer matter to any window being checked. */
const KEEP_SECONDS = 120;

/** One emulated second in world milliseconds. */
export function cloudSecondMs(world: World): number {
  return Math.max(world.clock.delay(1000), 1e-6);
}

/** Whether `bits` more fit every one-second window around `t` on a direction that already carries `sent`. */
function fits(sent: readonly Sent[], t: number, bits: number, capacity: number): boolean {
  const near = sent.filter((p) => p.t > t - 1 && p.t < t + 1);
  const starts = [t, ...near.filter((p) => p.t <= t).map((p) => p.t)];
  return starts.every((s) => near.reduce((n, p) => (p.t >= s && p.t < s + 1 ? n + p.bits : n), bits) <= capacity);
}

/** Spends `bits` at cloud time `t` on each crossing in turn; false (dropped) at the first that has no room. */
export function admit(world: World, crossings: readonly Crossing[], t: number, bits: number): boolean {
  let ledger = ledgers.get(world);
  if (!ledger) {
    ledger = new Map();
    ledgers.set(world, ledger);
  }
  for (const c of crossings) {
    const key = `${c.link} ${c.direction}`;
    const sent = (ledger.get(key) ?? []).filter((p) => p.t > t - KEEP_SECONDS);
    if (!fits(sent, t, bits, c.bitsPerSecond)) {
      ledger.set(key, sent);
      return false;
    }
    sent.push({ t, bits });
    ledger.set(key, sent);
  }
  return true;
}
