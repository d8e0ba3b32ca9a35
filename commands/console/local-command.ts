/**
 * `vpnbot local`: the console. On a terminal, an interactive chat (prompt, choices, progress bar);
 * in a pipe, one command per line to the end of input; with nothing to read, the narrated demo, so
 * `npm start` never waits forever without a terminal. `vpnbot demo` runs the demo alone. Both first
 * resume what a stopped process left. The first Ctrl-C or SIGTERM suspends the run in flight (it
 * resumes at the next start) and ends the session; idle, it ends the session at once.
 */
import { dirname } from 'node:path';
import { validationOptions, type Config } from '../../src/config';
import type { AppServices } from '../../src/app/app-services';
import { consoleGreeting, createConsoleSession, type ConsoleSession, type ConsoleUi } from './console-session';
import { createLineUi } from './line-ui';
import { createTerminalUi } from './terminal-ui';
import { withServices, type ServicesFactory } from '../common/with-services';
import type { CliCommand, CliIo } from '../common/cli-io';

function sessionFor(s: AppServices, config: Config, ui: ConsoleUi, user: string) {
  // The console is one person at a keyboard: they may approve their own plans (said in the greeting).
  const policy = { ...config.approval, allowSelfApproval: true };
  const dataDir = dirname(config.dbPath);
  return {
    session: createConsoleSession(s, ui, {
      user,
      policy,
      validation: validationOptions(config),
      dataDir,
      diagnoseAfterMs: config.deviceDiagnosisMs,
    }),
    policy,
    dataDir,
  };
}

/** Resolves with INTERRUPTED when the user interrupts first. */
const INTERRUPTED = Symbol('interrupted');

/** Hands the session the first interruption; the promise resolves when it happened while idle. */
function watchInterrupt(io: CliIo, session: ConsoleSession): Promise<typeof INTERRUPTED> {
  return io.interrupted.then(() => {
    session.interrupt();
    return INTERRUPTED;
  });
}

/** Exit status of an interrupted session, as a shell reports Ctrl-C. */
const EXIT_INTERRUPTED = 130;

export function localCommands(open: ServicesFactory, user: string): { local: CliCommand; demo: CliCommand } {
  /** The awaited devices are checked on a schedule too, not only after each command. */
  const watchDevices = (session: { checkDevices(): Promise<number> }, everyMs: number) => {
    const timer = setInterval(() => void session.checkDevices(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  };
  const local: CliCommand = async (_args, io) =>
    withServices(io, open, async (s, config) => {
      const terminal = io.terminal ? createTerminalUi(io.terminal, io.writeFile) : undefined;
      const ui = terminal ?? createLineUi(io.stdout, io.writeFile);
      const { session, policy, dataDir } = sessionFor(s, config, ui, user);
      const interrupted = watchInterrupt(io, session);
      let wasInterrupted = false;
      void interrupted.then(() => (wasInterrupted = true));
      ui.print(consoleGreeting(s, session.user(), policy, dataDir));
      await session.resume();
      if (terminal) {
        // The cloud SDKs load at their first use (lazy-cloud.ts): load them while the person types.
        setTimeout(() => void s.cloud.drivers, 50);
        const stop = watchDevices(session, config.deviceCheckMs);
        try {
          while (!wasInterrupted) {
            const line = await Promise.race([terminal.ask(`${session.user()} /vpn`), interrupted]);
            if (line === INTERRUPTED || line === undefined || !(await session.handle(line))) break;
          }
        } finally {
          stop();
        }
        return wasInterrupted ? EXIT_INTERRUPTED : 0;
      }
      let lines = 0;
      const input = io.lines()[Symbol.asyncIterator]();
      while (!wasInterrupted) {
        const next = await Promise.race([input.next(), interrupted]);
        if (next === INTERRUPTED || next.done) break;
        const line = next.value;
        if (line.trim() !== '') lines++;
        ui.print(`${session.user()} /vpn> ${line}`);
        if (!(await session.handle(line))) break;
      }
      if (lines === 0 && !wasInterrupted) {
        ui.print('Nothing to read on standard input: running the demo.');
        await session.handle('/demo');
      }
      if (wasInterrupted) return EXIT_INTERRUPTED;
      return session.failures() === 0 ? 0 : 1;
    });

  const demo: CliCommand = async (_args, io: CliIo) =>
    withServices(io, open, async (s, config) => {
      const ui = io.terminal ? createTerminalUi(io.terminal, io.writeFile) : createLineUi(io.stdout, io.writeFile);
      const { session } = sessionFor(s, config, ui, user);
      let wasInterrupted = false;
      void watchInterrupt(io, session).then(() => (wasInterrupted = true));
      await session.handle('/demo');
      if (wasInterrupted) return EXIT_INTERRUPTED;
      return session.failures() === 0 ? 0 : 1;
    });

  return { local, demo };
}
