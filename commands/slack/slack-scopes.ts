/**
 * The Web API methods the Slack front end calls, and the bot scope each needs: the manifest asks
 * for exactly these (a test reads both the code and manifest.yml).
 */
export const VPN_COMMAND = '/vpn';
export const EVENTS_PATH = '/slack/events';

export const METHOD_SCOPES: Readonly<Record<string, string | null>> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'usergroups.users.list': 'usergroups:read',
  // Modals need interactivity, not a scope.
  'views.open': null,
};

/** Every bot scope the app needs: slash commands, plus each called method's. */
export function requiredScopes(): string[] {
  return [...new Set(['commands', ...Object.values(METHOD_SCOPES).filter((s): s is string => s !== null)])].sort();
}
