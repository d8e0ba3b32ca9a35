/**
 * `vpnbot local`: the console. On a terminal, an interactive chat (prompt, choices, progress bar);
 * in a pipe, one command per line to the end of input; with nothing to read, the narrated demo, so
 * `npm start` never waits forever without a terminal. `vpnbot demo` runs the demo alone.
 */
import { dirname } from 'node:path';
import { validationOptions, type Config } from '../../src/config';
import type { AppServices } from '../../src/app/app-services';
import { consoleGreeting, createConsoleSession, type ConsoleUi } from './console-session';
import { createLineUi } from './line-ui';
import { createTerminalUi } from './terminal-ui';
import { withServices, type ServicesFactory } from '../shared/with-services';
import type { CliCommand, CliIo } from '../shared/cli-io';

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

export function localCommands(open: ServicesFactory, user: string): { local: CliCommand; demo: CliCommand } {
  /** The awaited devices are checked on a schedule too, not only after each command. */
  const watchDevices = (session: { checkDevices(): Promise<number> }, everyMs: number) => {
    const timer = setInterval(() => void session.checkDevices(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  };
  const local: CliCommand = async (_args, io) =>
    withServices(io, open, async (s, config) => {
      if (io.terminal) {
        const ui = createTerminalUi(io.terminal, io.writeFile);
        const { session, policy, dataDir } = sessionFor(s, config, ui, user);
        ui.print(consoleGreeting(s, session.user(), policy, dataDir));
        const stop = watchDevices(session, config.deviceCheckMs);
        try {
          for (;;) {
            const line = await ui.ask(`${session.user()} /vpn`);
            if (line === undefined || !(await session.handle(line))) break;
          }
        } finally {
          stop();
        }
        return 0;
      }
      const ui = createLineUi(io.stdout, io.writeFile);
      const { session, policy, dataDir } = sessionFor(s, config, ui, user);
      ui.print(consoleGreeting(s, session.user(), policy, dataDir));
      let lines = 0;
      for await (const line of io.lines()) {
        if (line.trim() !== '') lines++;
        ui.print(`${session.user()} /vpn> ${line}`);
        if (!(await session.handle(line))) break;
      }
      if (lines === 0) {
        ui.print('Nothing to read on standard input: running the demo.');
        await session.handle('/demo');
      }
      return session.failures() === 0 ? 0 : 1;
    });

  const demo: CliCommand = async (_args, io: CliIo) =>
    withServices(io, open, async (s, config) => {
      const ui = io.terminal ? createTerminalUi(io.terminal, io.writeFile) : createLineUi(io.stdout, io.writeFile);
      const { session } = sessionFor(s, config, ui, user);
      await session.handle('/demo');
      return session.failures() === 0 ? 0 : 1;
    });

  return { local, demo };
}
