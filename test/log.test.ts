import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../src/log/create-logger';

describe('logs', () => {
  it('redact pre-shared keys, access key secrets and tokens wherever they sit', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vpnbot-log-')), 'log.json');
    const fd = openSync(path, 'w');
    const out = Object.assign(new Writable(), { fd });
    const log = createLogger('info', out);
    log.info(
      {
        psk: 'TopSecretPSK1',
        ike: { Psk: 'TopSecretPSK2' },
        creds: { accessKeySecret: 'AKSECRET' },
        slack: { token: 'xoxb-123' },
      },
      'hello',
    );
    closeSync(fd);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('"msg":"hello"');
    for (const secret of ['TopSecretPSK1', 'TopSecretPSK2', 'AKSECRET', 'xoxb-123']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
