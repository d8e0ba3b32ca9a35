/**
 * No secret in plain text anywhere a person or a log collector can see it: every Slack payload
 * (messages, edits, private replies, uploads' metadata), every line vpnbot logs (at debug level),
 * every error message, and every column of every table of its database. The secrets: the
 * tunnels' pre-shared keys (read from the emulator), the Alibaba access key secret, the Slack bot
 * token and signing secret, and the key that encrypts secrets at rest.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'secrets-test-signing-secret';
const suite = serveOnEmulatorSuite(SECRET, 0.002, { VPNBOT_LOG_LEVEL: 'debug' });

const buttonOf = (blocks: unknown, actionId: string) => new RegExp(`"action_id":"${actionId.replace('.', '\\.')}"[^}]*?"value":"([^"]+)"`).exec(JSON.stringify(blocks))?.[1];

/** Every text value of every column of every table. */
function databaseText(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v))).join('\n');
  } finally {
    db.close();
  }
}

describe('secrets', () => {
  it('appear in no Slack payload, log line, error message or database column', async () => {
    await postSigned(suite.url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: `${suite.slack.url}/respond/s-plan` }));
    const plan = await suite.slack.waitFor('the plan', () => suite.slack.of('chat.postMessage').find((c) => buttonOf(c.args.blocks, 'plan.approve')));
    // Failures too: the first IPsec connection creates are refused for a while (errors logged, retried).
    suite.emu.forceFaults(Array.from({ length: 3 }, () => ({ fault: 'serverError' as const, action: 'CreateVpnConnection' })));
    await postSigned(suite.url, SECRET, buttonClick('plan.approve', buttonOf(plan.args.blocks, 'plan.approve')!, 'U2', { messageTs: plan.ts!, responseUrl: `${suite.slack.url}/respond/s-ok`, blocks: plan.args.blocks as unknown[] }));
    await suite.slack.waitFor('the matrix after the apply', () => suite.slack.of('chat.postMessage').find((c) => String(c.args.text).startsWith('Ping matrix for ikev1test')), 90_000);
    await postSigned(suite.url, SECRET, slashCommand('status ikev1test', 'U1', { responseUrl: `${suite.slack.url}/respond/s-status` }));
    await postSigned(suite.url, SECRET, slashCommand('plan nonsense', 'U1', { responseUrl: `${suite.slack.url}/respond/s-bad` }));
    await suite.slack.waitFor('the answers', () => ['s-status', 's-bad'].every((id) => suite.slack.responses.some((r) => r.id === id)));

    const psks = [...new Set([...suite.emu.world.vpnConnections.values()].map((c) => c.ike.Psk))];
    expect(psks.length).toBeGreaterThan(0);
    for (const k of psks) expect(k.length).toBeGreaterThanOrEqual(16);
    const secrets: Record<string, string> = {
      ...Object.fromEntries(psks.map((k, i) => [`pre-shared key ${i + 1}`, k])),
      'access key secret': suite.emu.accessKeySecret,
      'Slack bot token': 'xoxb-test-token',
      'Slack signing secret': SECRET,
      'secret key': `${SECRET}-secret-key`,
    };
    const seen: Record<string, string> = {
      // Bolt authenticates to Slack's own API with the token (auth.test's `token` argument): that is
      // its purpose, not a payload anyone reads; everything else sent to Slack is scanned.
      'Slack payloads': JSON.stringify([suite.slack.calls.map((c) => ({ ...c, args: { ...c.args, token: undefined } })), suite.slack.responses, [...suite.slack.uploads.values()].map((u) => ({ ...u, bytes: undefined }))]),
      'log lines': suite.bot.output(),
      database: databaseText(join(suite.bot.cwd, 'data', 'vpnbot.db')),
    };
    expect(seen['log lines']!.length).toBeGreaterThan(1000);
    expect(seen['log lines']).toContain('ServiceUnavailable');
    const leaks = Object.entries(seen).flatMap(([where, text]) => Object.entries(secrets).filter(([, v]) => text.includes(v)).map(([what]) => `${what} in ${where}`));
    expect(leaks).toEqual([]);
  });
});
