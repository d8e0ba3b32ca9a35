/**
 * The console under interruption, through a pseudo-terminal: Ctrl-C at points spread over an
 * apply (once: no new step, the run left to resume; twice: exit at once), then a restart through a
 * pipe. The restart resumes what was left, says so, ends with the apply succeeded and the matrix
 * measured, and the cloud holds the topology exactly once (planning it again changes nothing).
 * VPNBOT_CHAOS_TRIALS=20 for the full count (docs/testing.md).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleEnv, runPiped, startPty } from '../helpers/console-process';
import { SEED_STEPS } from '../helpers/topologies';

const TRIALS = Number(process.env.VPNBOT_CHAOS_TRIALS ?? 3);
// Slow enough that an apply of the seed takes a few seconds: Ctrl-C lands in it, not after it.
const SCALE = '0.02';
/** Ctrl-C points are spread over this span after the approval (the apply, then its measurement). */
const SPAN_MS = 4_000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `p`, or `fallback` after `ms`, leaving no timer behind. */
async function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Ctrl-C during an apply in the console, then a restart', () => {
  const trials = Array.from({ length: TRIALS }, (_, i) => ({
    i,
    delayMs: Math.round(((i + Math.random()) / TRIALS) * SPAN_MS),
    twice: i % 3 === 2,
  }));

  it.each(trials)(
    'trial $i: Ctrl-C $delayMs ms after the approval (twice: $twice)',
    async ({ delayMs, twice }) => {
      const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-ctrlc-'));
      const env = consoleEnv(cwd, { VPNBOT_TIME_SCALE: SCALE });
      const term = startPty(cwd, ['local'], env);
      let first: string;
      try {
        await term.waitFor('the prompt', (s) => s.includes('/vpn') && s.includes('vpnbot local console'));
        await term.typeLine('/vpn plan seed');
        await term.waitFor('the choice', (s) => s.includes('approve this plan as') && s.includes('Reject'));
        await term.choose((s) => s.includes('Approved by'));
        await pause(delayMs);
        term.write('\x03');
        if (twice) {
          await pause(20);
          term.write('\x03');
        }
        const code = await within(term.exited, 60_000, -1);
        first = term.screen();
        // 130: interrupted in a run (or its measurement); 0: it had all finished, and Ctrl-C at the prompt quits.
        expect([0, 130]).toContain(code);
        if (code === 130 && !twice) expect(first).toContain('Interrupted: ');
        // Stopped inside the run (once): it says it is suspended, to resume at the next start.
        if (!twice && first.includes('Interrupted: no new step starts'))
          expect(first).toMatch(/is suspended \(run-\S+\): what was under way is recorded/);
        // Twice: the second exits at once, unless the first had already stopped the run by then.
        if (twice && code === 130) expect(first).toMatch(/stopped at once|is suspended \(run-|leaving once/);
      } finally {
        term.kill();
      }

      const again = await runPiped(cwd, ['local'], '/vpn status\n/vpn ping ikev1test\n/quit\n', env);
      const both = `${first}\n${again.out}`;
      expect(again.code).toBe(0);
      // Not finished in the first process: resumed by the second. (Ctrl-C twice as the last steps end
      // can leave before saying the run succeeded: then nothing resumes, and the status below says so.)
      const finishedFirst = first.includes('The apply of ikev1test succeeded.');
      const resumed = /Resuming the apply run-\S+ of ikev1test that a stopped process left/.test(again.out);
      if (!twice && !finishedFirst) expect(resumed).toBe(true);
      if (resumed) {
        expect(again.out).toContain('The apply of ikev1test succeeded.');
        // The resumed run is measured as it ends, before the commands typed after the restart.
        expect(again.out.indexOf('6 of 6 pairs pass, all as predicted')).toBeLessThan(
          again.out.indexOf('/vpn> /vpn status'),
        );
      }
      expect(both).toContain('6 of 6 pairs pass, all as predicted');
      expect(again.out).toMatch(
        new RegExp(`ikev1test: ${SEED_STEPS} resources \\(${SEED_STEPS} created.*last apply run-\\S+ succeeded`),
      );

      // Exactly once in the cloud: nothing to create, nothing tagged for it left over to delete.
      const plan = await runPiped(cwd, ['plan', 'seed'], '', env);
      expect(plan.code).toBe(0);
      expect(plan.out).toMatch(/No changes/);
    },
    240_000,
  );
});
