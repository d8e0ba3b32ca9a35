/**
 * Text that came from a transport (an HTTP layer's error message, a URL) made safe to show, log or
 * store. HTTP libraries append the request line to their errors (`POST https://host/?...&IkeConfig=
 * {"Psk":...} failed`), and an RPC request carries its parameters in the query: so every query
 * string goes, and so does every value of a parameter that can hold a secret, wherever it appears.
 * The one place that decides what a secret looks like in text; the logger's paths
 * (log/create-logger.ts) cover structured fields.
 */

/** Parameter and field names whose values are secrets (case-insensitive), as the APIs spell them. */
export const SECRET_FIELD_NAMES = [
  'Psk',
  'IkeConfig',
  'IpsecConfig',
  'TunnelOptionsSpecification',
  'TunnelIkeConfig',
  'AccessKeySecret',
  'AccessKeyId',
  'SecurityToken',
  'Signature',
  'Authorization',
  'token',
  'client_secret',
  'signing_secret',
] as const;

const NAMES = SECRET_FIELD_NAMES.join('|');
/** `https://host/path?query` and a bare request target `/path?query` (a read timeout's `POST /?...`). */
const URL_QUERY = /\b(https?:\/\/[^\s?#"']+)\?[^\s"']*/gi;
const PATH_QUERY = /(^|[\s"'(])(\/[^\s?#"']*)\?[^\s"']+/g;
/** `Name=value` (form or query, encoded or not), up to the next separator. */
const KEY_VALUE = new RegExp(`\\b(${NAMES})((?:\\.\\d+)*(?:\\.[A-Za-z]+)*)(=|%3D)(?:\\{[^}]*\\}|[^&\\s"']*)`, 'gi');
/** `"Name":"value"` or `"Name":{...}` in JSON text, escaped or not. */
const JSON_FIELD = new RegExp(
  `(\\\\?"(?:${NAMES})\\\\?"\\s*:\\s*)(\\\\?"(?:[^"\\\\]|\\\\.)*?\\\\?"|\\{[^}]*\\}|[^,}\\s]+)`,
  'gi',
);
/** Slack tokens and Alibaba access key ids, whatever carries them. */
const TOKENS = /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|LTAI[A-Za-z0-9]{8,})\b/g;

export const REDACTED = '[redacted]';

/** `text` with query strings, secret-valued parameters and tokens removed. Idempotent. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_QUERY, `$1?${REDACTED}`)
    .replace(PATH_QUERY, `$1$2?${REDACTED}`)
    .replace(KEY_VALUE, `$1$2$3${REDACTED}`)
    .replace(JSON_FIELD, `$1"${REDACTED}"`)
    .replace(TOKENS, REDACTED);
}

/**
 * An error safe to keep: the same name, code and (redacted) message, no request or response
 * objects, no cause chain. What a transport threw is replaced by this before anything keeps it.
 */
export function redactedError(error: unknown): Error {
  const source = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const safe = new Error(redactSecrets(typeof source.message === 'string' ? source.message : String(error)));
  safe.name = typeof source.name === 'string' ? source.name : 'Error';
  if (typeof source.code === 'string') (safe as Error & { code: string }).code = source.code;
  return safe;
}
