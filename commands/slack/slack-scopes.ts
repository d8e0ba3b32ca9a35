/**
 * The Web API methods the Slack front end calls, and the bot scope each needs: the manifest asks
 * for exactly these (a test reads both the code and manifest.yml).
 */
export const VPN_COMMAND = '/vpn';
export const EVENTS_PATH = '/slack/events';
/** Bot events the app subscribes to: the App Home tab's. */
export const BOT_EVENTS = ['app_home_opened'] as const;

export const METHOD_SCOPES: Readonly<Record<string, string | null>> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'usergroups.users.list': 'usergroups:read',
  // The ping matrix's heat map, uploaded into the thread; a device configuration into a direct message.
  'files.uploadV2': 'files:write',
  // The direct message a device configuration (with keys, for an owner) is sent in.
  'conversations.open': 'im:write',
  // The App Home tab needs no scope, only the app_home_opened event.
  'views.publish': null,
  // Modals need interactivity, not a scope.
  'views.open': null,
};

/** Every bot scope the app needs: slash commands, plus each called method's. */
export function requiredScopes(): string[] {
  return [...new Set(['commands', ...Object.values(METHOD_SCOPES).filter((s): s is string => s !== null)])].sort();
}
