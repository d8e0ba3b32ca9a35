/**
 * Who may receive an on-premises site's pre-shared keys: its owners (topology: onPremises.owners),
 * Slack user ids or members of the user groups named there, resolved by the front end. Nobody else,
 * and nobody at all when a site names no owners.
 */
import type { Site } from '../topology/model';
import type { GroupMembers, Permission } from './approval-policy';

export async function mayReceiveKeys(site: Site, actor: string, members?: GroupMembers): Promise<Permission> {
  const owners = site.onPremises?.owners ?? [];
  if (owners.includes(actor)) return { ok: true };
  for (const group of owners.filter((o) => o.startsWith('S'))) {
    // Fail closed: a group that cannot be read admits nobody.
    const ids = members ? await members(group).catch(() => [] as string[]) : [];
    if (ids.includes(actor)) return { ok: true };
  }
  return {
    ok: false,
    reason: owners.length
      ? `only the owners of ${site.name} receive its keys`
      : `${site.name} names no owners (onPremises.owners), so nobody receives its keys in chat`,
  };
}

/** The owners in Slack's words, for messages. */
export const ownerWords = (site: Site): string =>
  (site.onPremises?.owners ?? []).map((o) => (o.startsWith('S') ? `<!subteam^${o}>` : `<@${o}>`)).join(', ') ||
  'nobody (the topology names no owners)';
