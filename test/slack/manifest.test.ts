/** manifest.yml installs the app the code implements: its command, exactly the scopes it calls for, its URLs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BOT_EVENTS, EVENTS_PATH, METHOD_SCOPES, requiredScopes, VPN_COMMAND } from '../../commands/slack/slack-scopes';

const ROOT = join(__dirname, '..', '..');
const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as {
  features: {
    slash_commands: { command: string; url: string; usage_hint: string }[];
    bot_user: { display_name: string };
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
    event_subscriptions: { request_url: string; bot_events: string[] };
  };
};
const slackSources = (readdirSync(join(ROOT, 'commands', 'slack'), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(ROOT, 'commands', 'slack', f), 'utf8'))
  .join('\n');

describe('manifest.yml', () => {
  it('declares the one command the app registers, with a usage hint', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([VPN_COMMAND]);
    expect(slackSources).toContain('app.command(VPN_COMMAND');
    expect(manifest.features.slash_commands[0]!.usage_hint).toMatch(/plan/);
  });

  it('every Web API method the code calls is in the scope table, and the manifest asks for exactly their scopes', () => {
    const called = [
      ...new Set(
        [...slackSources.matchAll(/client\.([a-z]+)\.([a-zA-Z]+)(?:\.([a-zA-Z]+))?\(/g)].map((m) =>
          [m[1], m[2], m[3]].filter(Boolean).join('.'),
        ),
      ),
    ].sort();
    expect(called.length).toBeGreaterThan(3);
    for (const method of called) expect(Object.keys(METHOD_SCOPES)).toContain(method);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(requiredScopes());
  });

  it('subscribes to exactly the events the code listens to, with the App Home tab on', () => {
    const listened = [...slackSources.matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect(listened).toEqual([...BOT_EVENTS].sort());
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(listened);
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe(EVENTS_PATH);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it("points commands and interactivity at Bolt's events path, in HTTP mode", () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(EVENTS_PATH);
    expect(new URL(manifest.features.slash_commands[0]!.url).pathname).toBe(EVENTS_PATH);
  });
});
