import { loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('with nothing set: sandbox defaults', () => {
    const r = loadConfig({});
    expect(r).toMatchObject({ ok: true, value: { dbPath: './data/sandbox.db', parallelism: 10, ipsecConnectionQuota: 10, credentialsAvailable: false } });
  });

  it('with credentials: the real database path and the keys', () => {
    const r = loadConfig({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI1', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's', VPNBOT_PARALLELISM: '4' });
    expect(r).toMatchObject({ ok: true, value: { dbPath: './data/vpnbot.db', parallelism: 4, credentialsAvailable: true, accessKey: { id: 'LTAI1', secret: 's' } } });
  });

  it('a profile or RAM role counts as credentials for the SDK chain', () => {
    expect(loadConfig({ ALIBABA_CLOUD_PROFILE: 'prod' })).toMatchObject({ ok: true, value: { credentialsAvailable: true, dbPath: './data/vpnbot.db' } });
  });

  it('explains bad values by variable name, without echoing secrets', () => {
    const r = loadConfig({ VPNBOT_PARALLELISM: 'many', VPNBOT_ALIBABA_ENDPOINT: 'not a url', VPNBOT_SECRET_KEY: 'short' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path).sort()).toEqual(['VPNBOT_ALIBABA_ENDPOINT', 'VPNBOT_PARALLELISM', 'VPNBOT_SECRET_KEY']);
    expect(JSON.stringify(r.problems)).not.toContain('short');
  });
});
