/** Opening the services for a command (configuration, database, cloud), and closing them after, for every front end. */
import { SANDBOX_LABEL, type AppServices } from '../../src/app/app-services';
import { configOrExplain, type Config } from '../../src/config';
import { ERROR_CODES, isVpnbotError } from '../../src/errors';
import type { CliIo } from './cli-io';

/** A fault as the person at the terminal reads it: what happened, its code, and what to do. */
export function faultText(e: unknown): string {
  if (!isVpnbotError(e)) return `${e instanceof Error ? e.message : String(e)}\n`;
  return `${e.message} [${e.code}]\n  ${ERROR_CODES[e.code].hint}\n`;
}

/** Opens the services for a configuration: the composition root's factory, passed in so tests can pass their own. */
export type ServicesFactory = (config: Config) => Promise<AppServices>;

/** Opens the services for `fn`; the sandbox label goes to stdout, or to stderr when stdout carries JSON. */
export async function withServices(
  io: CliIo,
  open: ServicesFactory,
  fn: (s: AppServices, config: Config) => Promise<number>,
  json = false,
): Promise<number> {
  const config = configOrExplain(io.env);
  if (typeof config === 'string') {
    io.stderr(`${config}\n`);
    return 2;
  }
  let services: AppServices;
  try {
    services = await open(config);
  } catch (e) {
    io.stderr(faultText(e));
    return 1;
  }
  try {
    if (services.sandbox)
      (json ? io.stderr : io.stdout)(`${SANDBOX_LABEL}\n${services.sandboxNote ? `(${services.sandboxNote})\n` : ''}`);
    return await fn(services, config);
  } catch (e) {
    io.stderr(faultText(e));
    return 1;
  } finally {
    await services.close();
  }
}
