/**
 * Structured logs (pino, JSON lines on stderr), for operators; terminal and chat output stay apart.
 * Anything that looks like a secret is redacted before it is written, whatever the caller passes:
 * fields by name (REDACTED_PATHS), and secrets inside text (messages, errors, any string field)
 * by the same rules as every other output (redact.ts).
 */
import pino, { type Logger } from 'pino';
import { redactSecrets } from '../redact';

export const REDACTED_PATHS = [
  'psk',
  '*.psk',
  '*.Psk',
  '*.*.Psk',
  'IkeConfig.Psk',
  '*.IkeConfig.Psk',
  'accessKeySecret',
  '*.accessKeySecret',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'signingSecret',
  '*.signingSecret',
  'authorization',
  '*.authorization',
];

/** A log record with every string in it redacted (errors are serialized first, with their causes). */
function redactRecord(record: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(record, (_key, value: unknown) =>
    value instanceof Error ? pino.stdSerializers.err(value) : value,
  );
  return JSON.parse(redactSecrets(text)) as Record<string, unknown>;
}

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { app: 'vpnbot' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        err: (e: Error) => redactRecord(pino.stdSerializers.err(e) as unknown as Record<string, unknown>),
      },
      formatters: { log: redactRecord },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    pino.destination({ dest: (destination as { fd?: number }).fd ?? 2, sync: true }),
  );
}
