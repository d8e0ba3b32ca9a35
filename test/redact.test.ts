/** What transports say is redacted before anything keeps it: query strings, secret parameters, tokens. */
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { mapSdkError } from '../src/cloud/alibaba/map-error';
import { toStepFailure } from '../src/engine/step-failure';
import { createLogger } from '../src/log/create-logger';
import { redactSecrets } from '../src/redact';

const PSK = 'k3yW1thN0Equal5ign';
const encodedIke = encodeURIComponent(JSON.stringify({ Psk: PSK, IkeVersion: 'ikev1' }));

/** The shapes the SDK's HTTP layer (httpx) gives its errors, with the request in them. */
const TRANSPORT_ERRORS = [
  `socket hang upPOST https://vpc.cn-hongkong.aliyuncs.com/?AutoConfigRoute=true&IkeConfig=${encodedIke}&RegionId=cn-hongkong failed.`,
  `read ECONNRESETPOST http://127.0.0.1:4321/?IkeConfig=${encodedIke} failed.`,
  `ReadTimeout: 20000. POST /?ClientToken=x&IkeConfig=${encodedIke} failed.`,
  `ConnectTimeout: Connect http://10.0.0.1/?IkeConfig=${encodedIke} failed.`,
  `IkeConfig={"Psk":"${PSK}","IkeVersion":"ikev1"}`,
  `TunnelOptionsSpecification.1.TunnelIkeConfig.Psk=${PSK}&TunnelOptionsSpecification.1.Role=master`,
  `body {\\"Psk\\":\\"${PSK}\\"}`,
];

describe('redaction', () => {
  it.each(TRANSPORT_ERRORS)('removes the key from %s', (text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(PSK);
    expect(out).not.toContain(encodedIke);
    expect(out).toContain('[redacted]');
    expect(redactSecrets(out)).toBe(out);
  });

  it('keeps what a person needs: the action, the code, the host', () => {
    expect(redactSecrets('CreateVpnConnection: QuotaExceeded.VpnConnection: 10 connections (quota)')).toBe(
      'CreateVpnConnection: QuotaExceeded.VpnConnection: 10 connections (quota)',
    );
    expect(redactSecrets(TRANSPORT_ERRORS[0]!)).toContain('https://vpc.cn-hongkong.aliyuncs.com/');
  });

  it('leaves no key in a cloud error, its cause, or the step failure made from it', () => {
    for (const message of TRANSPORT_ERRORS) {
      const raw = Object.assign(new Error(message), {
        name: 'RequestTimeoutError',
        code: 'ECONNRESET',
        request: { url: `/?IkeConfig=${encodedIke}` },
      });
      const e = mapSdkError(raw, 'CreateVpnConnection');
      expect(e.category).toBe('retryable');
      expect(e.ambiguous).toBe(true);
      expect(e.message).toMatch(/^CreateVpnConnection: transport error: /);
      const everything = JSON.stringify({
        message: e.message,
        cause: String(e.cause),
        causeKeys: Object.entries(e.cause as object),
        stack: e.stack,
        failure: toStepFailure('s', e),
      });
      expect(everything).not.toContain(PSK);
    }
  });

  it('redacts messages, error fields and strings of log records', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vpnbot-redact-')), 'log.json');
    const fd = openSync(path, 'w');
    const log = createLogger('trace', Object.assign(new Writable(), { fd }));
    const err = new Error(TRANSPORT_ERRORS[0]);
    log.warn({ err, detail: TRANSPORT_ERRORS[2] }, `step failed: ${TRANSPORT_ERRORS[1]}`);
    log.error({ err: new Error('outer', { cause: new Error(TRANSPORT_ERRORS[3]) }) }, 'with a cause');
    closeSync(fd);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(PSK);
    expect(text).not.toContain(encodedIke);
    expect(text).toContain('socket hang up');
    expect(text).toContain('"stack"');
  });
});
