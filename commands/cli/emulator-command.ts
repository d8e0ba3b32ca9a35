import { startEmulator } from '../../src/emulator/server/start-emulator';
import { findRegion, suggestRegion } from '../../src/topology/regions';
import type { CliCommand } from '../common/cli-io';
import { parseCommandArgs } from './parse-args';

import { EMULATOR_USAGE } from './usages';

export { EMULATOR_USAGE };

/** Well-known sandbox credentials for a standalone emulator; they open nothing but the emulator. */
export const EMULATOR_DEFAULT_KEY = { id: 'LTAIvpnbotEmulator', secret: 'vpnbot-emulator-secret' } as const;

/**
 * `vpnbot emulator`: the Alibaba Cloud emulator as a standalone server. Prints one line,
 * `emulator listening on http://HOST:PORT`, and runs until interrupted.
 */
export const emulatorCommand: CliCommand = async (args, io) => {
  const parsed = parseCommandArgs(args, io, EMULATOR_USAGE, {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'access-key-id': { type: 'string' },
    'access-key-secret': { type: 'string' },
    'time-scale': { type: 'string', default: '1' },
    'ipsec-quota': { type: 'string', default: '10' },
    'single-tunnel': { type: 'string', default: '' },
  });
  if (!parsed) return 2;
  if (parsed.positionals.length > 0) {
    io.stderr(`Unexpected argument '${parsed.positionals[0]}'\n${EMULATOR_USAGE}\n`);
    return 2;
  }
  const values = parsed.values;
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`--port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  if (!(timeScale > 0 && timeScale <= 1)) {
    io.stderr(`--time-scale must be in (0, 1], got "${values['time-scale']}"\n`);
    return 2;
  }
  const ipsecConnectionQuota = Number(values['ipsec-quota']);
  if (!Number.isInteger(ipsecConnectionQuota) || ipsecConnectionQuota < 1 || ipsecConnectionQuota > 1000) {
    io.stderr(
      `--ipsec-quota must be a whole number from 1 to 1000 (IPsec connections per VPN gateway), got "${values['ipsec-quota']}"\n`,
    );
    return 2;
  }
  // Regions whose gateways are made as before the dual-tunnel upgrade (the control API can change it later).
  const singleTunnel = values['single-tunnel'].split(',').filter((r) => r !== '');
  const unknownRegion = singleTunnel.find((r) => !findRegion(r));
  if (unknownRegion !== undefined) {
    io.stderr(
      `--single-tunnel takes region ids, and "${unknownRegion}" is none; did you mean ${suggestRegion(unknownRegion)}?\n`,
    );
    return 2;
  }
  if ((values['access-key-id'] === undefined) !== (values['access-key-secret'] === undefined)) {
    io.stderr('give both --access-key-id and --access-key-secret, or neither\n');
    return 2;
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port,
      host: values.host,
      timeScale,
      ipsecConnectionQuota,
      tunnelModes: Object.fromEntries(singleTunnel.map((r) => [r, 'single' as const])),
      accessKeyId: values['access-key-id'] ?? EMULATOR_DEFAULT_KEY.id,
      accessKeySecret: values['access-key-secret'] ?? EMULATOR_DEFAULT_KEY.secret,
    });
  } catch (e) {
    io.stderr(
      `cannot listen on ${values.host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 1;
  }
  io.stdout(`emulator listening on ${emulator.endpoint}\n`);
  await io.interrupted;
  await emulator.close();
  return 0;
};
