/**
 * Structured logs (pino, JSON lines on stderr), for operators; terminal and chat output stay apart.
 * Anything that looks like a secret is redacted before it is written, whatever the caller passes.
 */
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'psk', '*.psk', '*.Psk', '*.*.Psk', 'IkeConfig.Psk', '*.IkeConfig.Psk',
  'accessKeySecret', '*.accessKeySecret', 'secret', '*.secret', 'token', '*.token', 'signingSecret', '*.signingSecret', 'authorization', '*.authorization',
];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, base: { app: 'vpnbot' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, pino.destination({ dest: (destination as { fd?: number }).fd ?? 2, sync: true }));
}
