/**
 * One sandbox per data directory. The first process to start there owns the emulated cloud (it runs
 * the emulator, which keeps its state in the directory); every other process on the same directory
 * shares that emulator over HTTP instead of starting a second one from the same saved state (two
 * would each write their own world, the last writer winning). A process on another host cannot reach
 * the owner's loopback endpoint: it is refused, with who holds the sandbox.
 *
 * The claim is a file, `sandbox.lock`, created exclusively (O_EXCL) by the owner, which writes its
 * endpoint and the emulator's keys into it once listening (mode 600: the keys open nothing but that
 * emulator). A claim whose process is gone (a crash, a kill) is taken over; the takeover itself is
 * guarded by a directory created exclusively, so two newcomers cannot both take it.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VpnbotError } from '../src/errors';

export const SANDBOX_LOCK = 'sandbox.lock';

/** What the lock file says. */
export interface SandboxHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly command: string;
  /** Set once the owner's emulator listens. */
  readonly endpoint?: string;
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly timeScale?: number;
}

export interface StartedEmulator {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  close(): Promise<void>;
}

export type SandboxClaim =
  /** This process runs the emulator; `close` stops it and gives the sandbox up. */
  | { readonly role: 'owner'; readonly emulator: StartedEmulator; close(): Promise<void> }
  /** Another process runs it: its endpoint and keys, and who it is. */
  | { readonly role: 'shared'; readonly holder: Required<SandboxHolder> };

export interface ClaimOptions {
  readonly timeScale: number;
  /** How this process is described to others (`vpnbot local`). */
  readonly command: string;
  /** How long to wait for an owner that is still starting its emulator. */
  readonly waitMs?: number;
}

/** A takeover guard older than this was left by a process that died in the middle of one. */
const STALE_GUARD_MS = 10_000;

function readHolder(path: string): SandboxHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as SandboxHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder was a process of this host that has ended (pids elsewhere cannot be checked). */
function holderIsGone(h: SandboxHolder): boolean {
  if (h.host !== hostname()) return false;
  if (h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describe(h: SandboxHolder): string {
  return `\`${h.command}\` (pid ${h.pid}${h.host === hostname() ? '' : ` on ${h.host}`}, since ${h.since})`;
}

function writeAtomically(path: string, data: string): void {
  writeFileOwnerOnly(`${path}.tmp-${process.pid}`, data);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

function writeFileOwnerOnly(path: string, data: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

function unreadableForLong(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_GUARD_MS;
  } catch {
    return false;
  }
}

/**
 * Removes a claim whose process is gone (`stale`; undefined: a claim that was never written),
 * unless another newcomer is doing so, or did, first.
 */
function takeOver(lock: string, stale: SandboxHolder | undefined): void {
  const guard = `${lock}.takeover`;
  try {
    mkdirSync(guard);
  } catch {
    try {
      if (Date.now() - statSync(guard).mtimeMs > STALE_GUARD_MS) rmdirSync(guard);
    } catch {
      // Gone already: the other newcomer finished.
    }
    return;
  }
  try {
    const now = readHolder(lock);
    const same = stale
      ? now?.pid === stale.pid && now.host === stale.host && now.since === stale.since
      : now === undefined && unreadableForLong(lock);
    if (same) unlinkSync(lock);
  } catch {
    // Already removed.
  } finally {
    rmdirSync(guard);
  }
}

/**
 * Claims the sandbox of `dir`: starts the emulator with `start` when no live process holds it, or
 * returns the holder's endpoint to share. Refused (`sandbox.held`) when the holder cannot be shared
 * (another host) or does not finish starting within `waitMs`.
 */
export async function claimSandbox(
  dir: string,
  start: () => Promise<StartedEmulator>,
  options: ClaimOptions,
): Promise<SandboxClaim> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, SANDBOX_LOCK);
  const deadline = Date.now() + (options.waitMs ?? 15_000);
  const me: SandboxHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: options.command,
  };
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      let emulator: StartedEmulator;
      try {
        emulator = await start();
      } catch (e) {
        unlinkSync(lock);
        throw e;
      }
      writeAtomically(
        lock,
        JSON.stringify({
          ...me,
          endpoint: emulator.endpoint,
          accessKeyId: emulator.accessKeyId,
          accessKeySecret: emulator.accessKeySecret,
          timeScale: options.timeScale,
        }),
      );
      return {
        role: 'owner',
        emulator,
        close: async () => {
          await emulator.close();
          const h = readHolder(lock);
          if (h?.pid === process.pid && h.since === me.since) unlinkSync(lock);
        },
      };
    }
    const holder = readHolder(lock);
    if (!holder && unreadableForLong(lock)) {
      // A claim never written (its process died between creating and writing it).
      takeOver(lock, undefined);
      continue;
    }
    if (holder && holderIsGone(holder)) {
      takeOver(lock, holder);
      continue;
    }
    if (holder && holder.host !== hostname())
      throw new VpnbotError(
        'sandbox.held',
        `the sandbox in ${dir} is held by ${describe(holder)}, whose emulator cannot be reached from this host`,
      );
    if (holder?.endpoint && holder.accessKeyId && holder.accessKeySecret && holder.timeScale !== undefined)
      return { role: 'shared', holder: holder as Required<SandboxHolder> };
    if (Date.now() > deadline)
      throw new VpnbotError(
        'sandbox.held',
        holder
          ? `the sandbox in ${dir} is held by ${describe(holder)}, which has not finished starting its emulator`
          : `the sandbox in ${dir} is locked by ${lock}, which cannot be read`,
      );
    // The owner is between creating the claim and listening: wait for its endpoint.
    await new Promise((r) => setTimeout(r, 50));
  }
}
