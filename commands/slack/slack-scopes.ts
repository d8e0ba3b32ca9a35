/**
 * The Web API methods the Slack front end calls, and the bot scope each needs: the manifest asks
 * for exactly these (a test reads both the code and manifest.yml).
 */
export const VPN_COMMAND = '/vpn';
export const EVENTS_PATH = '/slack/events';
/** Bot events the app subscribes to: the App Home tab's. */
export const BOT_EVENTS = ['app_home_opened'] as const;

export const METHOD_SCOPES: Readonly<Record<string, string | readonly string[] | null>> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'usergroups.users.list': 'usergroups:read',
  // Who may see the App Home when VPNBOT_CHANNELS limits vpnbot to some channels: their members.
  'conversations.members': ['channels:read', 'groups:read'],
  // Whether vpnbot is a member of the channel a command was typed in, before planning for it.
  'conversations.info': ['channels:read', 'groups:read'],
  // The ping matrix's heat map, uploaded into the thread; a device configuration into a direct message.
  'files.uploadV2': 'files:write',
  // The direct message a device configuration (with keys, for an owner) is sent in.
  'conversations.open': 'im:write',
  // The App Home tab needs no scope, only the app_home_opened event.
  'views.publish': null,
  // Modals need interactivity, not a scope.
  'views.open': null,
  // The workspace the bot token belongs to: no scope.
  'auth.test': null,
  // Links that open a thread (status, superseded plans): no scope.
  'chat.getPermalink': null,
  // The handles of approver user groups, named in plans without pinging the group.
  'usergroups.list': 'usergroups:read',
};

/** Every bot scope the app needs: slash commands, plus each called method's. */
export function requiredScopes(): string[] {
  return [...new Set(['commands', ...Object.values(METHOD_SCOPES).flatMap((s) => (s === null ? [] : s))])].sort();
}
