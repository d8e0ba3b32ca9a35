import { loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('with nothing set: sandbox defaults', () => {
    const r = loadConfig({});
    expect(r).toMatchObject({
      ok: true,
      value: { dbPath: './data/sandbox.db', parallelism: 10, ipsecConnectionQuota: 10, credentialsAvailable: false },
    });
  });

  it('with credentials: the real database path and the keys', () => {
    const r = loadConfig({
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI1',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's',
      VPNBOT_PARALLELISM: '4',
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        dbPath: './data/vpnbot.db',
        parallelism: 4,
        credentialsAvailable: true,
        accessKey: { id: 'LTAI1', secret: 's' },
      },
    });
  });

  it.each([
    [{ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI1' }, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
    [{ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' }, 'ALIBABA_CLOUD_ACCESS_KEY_ID'],
  ])('half an access key (%o) is refused, naming the missing half, not taken as the sandbox', (env, missing) => {
    const r = loadConfig(env);
    expect(r).toMatchObject({ ok: false, problems: [{ code: 'config.invalid', path: missing }] });
    expect(JSON.stringify(r)).not.toContain('"s"');
  });

  it('a profile or RAM role counts as credentials for the SDK chain', () => {
    expect(loadConfig({ ALIBABA_CLOUD_PROFILE: 'prod' })).toMatchObject({
      ok: true,
      value: { credentialsAvailable: true, dbPath: './data/vpnbot.db' },
    });
  });

  it('explains bad values by variable name, without echoing secrets', () => {
    const r = loadConfig({
      VPNBOT_PARALLELISM: 'many',
      VPNBOT_ALIBABA_ENDPOINT: 'not a url',
      VPNBOT_SECRET_KEY: 'short',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path).sort()).toEqual([
      'VPNBOT_ALIBABA_ENDPOINT',
      'VPNBOT_PARALLELISM',
      'VPNBOT_SECRET_KEY',
    ]);
    expect(JSON.stringify(r.problems)).not.toContain('short');
  });

  it('Slack settings: HTTP or Socket Mode, each incomplete or malformed setting named', () => {
    const ok = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secretsecret',
      VPNBOT_APPROVERS: 'U1, SNETOPS',
      VPNBOT_CHANNELS: 'C1',
    });
    expect(ok).toMatchObject({
      ok: true,
      value: {
        slack: { botToken: 'xoxb-1', signingSecret: 'secretsecret', port: 3000 },
        approval: { approvers: ['U1', 'SNETOPS'], channels: ['C1'], allowSelfApproval: false },
      },
    });
    const missing = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(missing).toMatchObject({ ok: false, problems: [{ path: 'SLACK_SIGNING_SECRET' }] });
    expect(loadConfig({ SLACK_SIGNING_SECRET: 'secretsecret' })).toMatchObject({
      ok: false,
      problems: [{ path: 'SLACK_BOT_TOKEN' }],
    });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_SIGNING_SECRET: 'secretsecret' })).toMatchObject({
      ok: false,
      problems: [{ path: 'SLACK_BOT_TOKEN', message: expect.stringContaining('bot token') }],
    });
    expect(loadConfig({ VPNBOT_APPROVERS: 'alice' })).toMatchObject({
      ok: false,
      problems: [{ path: 'VPNBOT_APPROVERS' }],
    });
    expect(loadConfig({ VPNBOT_APPROVERS: 'U1', VPNBOT_ANYONE_MAY_APPROVE: 'true' })).toMatchObject({
      ok: false,
      problems: [{ path: 'VPNBOT_ANYONE_MAY_APPROVE', hint: 'unset one of them' }],
    });
    const problems = loadConfig({ SLACK_BOT_TOKEN: 'xoxp-secret-value' });
    expect(JSON.stringify(problems)).not.toContain('xoxp-secret-value');
  });
});
