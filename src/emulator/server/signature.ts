/**
 * Server side of ACS3-HMAC-SHA256 (shared/reference/alibaba-api.md §3): rebuild the canonical
 * request from what arrived, recompute, compare in constant time. Also the gateway's replay
 * defences: a 15-minute timestamp window and single-use nonces.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../api/api-error';

export const ALGORITHM = 'ACS3-HMAC-SHA256';
const SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** Query parameters, already percent-decoded. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** encodeURIComponent plus the characters the SDK's signer also escapes. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${k}=${acsEncode(query[k] ?? '')}`)
    .join('&');
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function stringToSign(req: SignedRequest, signedHeaders: readonly string[], hashedPayload: string): string {
  const headerValue = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? [...v].sort().join(',') : (v ?? '')).trim();
  };
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headerValue(h)}\n`).join('');
  const canonicalUri = req.path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const canonical = [
    req.method,
    canonicalUri,
    canonicalQueryString(req.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    hashedPayload,
  ].join('\n');
  return `${ALGORITHM}\n${sha256(canonical)}`;
}

export function sign(secret: string, toSign: string): string {
  return createHmac('sha256', secret).update(toSign).digest('hex');
}

/** Single-use nonces, remembered for as long as their timestamp could still be accepted. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  useOnce(nonce: string, now: number): boolean {
    for (const [n, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now + 2 * SKEW_MS);
    return true;
  }
  clear(): void {
    this.seen.clear();
  }
}

/**
 * Verifies a request; returns the access key id that signed it, or throws the gateway's error.
 * Order of checks as the real gateway: credential, timestamp, content hash, signature, then the
 * nonce (recorded only for a correctly signed request, so forged calls cannot burn nonces).
 */
export function verifyRequest(
  req: SignedRequest,
  secretOf: (accessKeyId: string) => string | undefined,
  nonces: NonceCache,
  now: number,
): string {
  const auth = String(req.headers.authorization ?? '');
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]*),Signature=([0-9a-f]+)$/.exec(auth);
  if (!m)
    throw new ApiError(
      'IncompleteSignature',
      'The request signature does not conform to Aliyun standards (ACS3-HMAC-SHA256 Authorization header expected).',
      400,
    );
  const [, accessKeyId, signedHeaderList, signature] = m as unknown as [string, string, string, string];
  const secret = secretOf(accessKeyId);
  if (secret === undefined)
    throw new ApiError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);

  const date = String(req.headers['x-acs-date'] ?? '');
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) ? Date.parse(date) : NaN;
  if (Number.isNaN(at))
    throw new ApiError('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.', 400);
  if (Math.abs(now - at) > SKEW_MS)
    throw new ApiError('InvalidTimeStamp.Expired', `Specified time stamp or date value is expired: ${date}.`, 400);

  const declared = req.headers['x-acs-content-sha256'];
  if (declared !== undefined && declared !== sha256(req.body)) {
    throw new ApiError('SignatureDoesNotMatch', 'Specified content SHA-256 does not match the request body.', 400);
  }
  const signedHeaders = signedHeaderList.split(';').filter((h) => h !== '');
  for (const required of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-action', 'x-acs-version']) {
    if (!signedHeaders.includes(required))
      throw new ApiError('IncompleteSignature', `The header ${required} must be signed.`, 400);
  }
  const toSign = stringToSign(req, signedHeaders, String(declared ?? sha256(req.body)));
  const expected = Buffer.from(sign(secret, toSign), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError(
      'SignatureDoesNotMatch',
      `Specified signature does not match our calculation. server string to sign is:${toSign}`,
      400,
    );
  }
  const nonce = String(req.headers['x-acs-signature-nonce'] ?? '');
  if (!nonces.useOnce(nonce, now))
    throw new ApiError('SignatureNonceUsed', 'Specified signature nonce was used already.', 400);
  return accessKeyId;
}
