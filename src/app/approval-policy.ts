/**
 * Who may approve a plan, and where `/vpn` may be used. The requester never approves their own plan
 * unless self-approval is on; with approvers configured, only they (user ids, or members of user
 * groups, resolved by the front end) may.
 */
export interface ApprovalPolicy {
  /**
   * User ids (U..., W...) and user group ids (S...); empty: any member but the requester, which a
   * shared workspace must choose explicitly (`anyoneMayApprove`; `vpnbot serve` refuses otherwise).
   */
  readonly approvers: readonly string[];
  /** Said explicitly (VPNBOT_ANYONE_MAY_APPROVE): with no approvers listed, any member approves. */
  readonly anyoneMayApprove: boolean;
  readonly allowSelfApproval: boolean;
  /** Channel ids `/vpn` may be used in; empty: any. */
  readonly channels: readonly string[];
  readonly planTtlMs: number;
  /** Different approvers a plan needs before it runs. */
  readonly requiredApprovals: number;
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  approvers: [],
  anyoneMayApprove: true,
  allowSelfApproval: false,
  channels: [],
  planTtlMs: 60 * 60_000,
  requiredApprovals: 1,
};

/**
 * Members of a user group (Slack: usergroups.users.list), cached by the caller; `fresh` asks past
 * the cache (the check that completes an approval).
 */
export type GroupMembers = (groupId: string, options?: { readonly fresh?: boolean }) => Promise<readonly string[]>;

export type Permission = { ok: true } | { ok: false; reason: string };

export function channelAllowed(policy: ApprovalPolicy, channel: string | undefined): Permission {
  if (policy.channels.length === 0 || (channel !== undefined && policy.channels.includes(channel))) return { ok: true };
  return {
    ok: false,
    reason: `/vpn is not enabled in this channel; it is in ${policy.channels.map((c) => `<#${c}>`).join(', ')}`,
  };
}

export async function mayApprove(
  policy: ApprovalPolicy,
  requester: string,
  actor: string,
  members?: GroupMembers,
  fresh = false,
): Promise<Permission> {
  if (actor === requester && !policy.allowSelfApproval)
    return { ok: false, reason: 'you asked for this plan: someone else must approve it' };
  if (policy.approvers.length === 0) return { ok: true };
  if (policy.approvers.includes(actor)) return { ok: true };
  for (const group of policy.approvers.filter((a) => a.startsWith('S'))) {
    // Fail closed: a group that cannot be read admits nobody.
    const ids = members ? await members(group, { fresh }).catch(() => [] as string[]) : [];
    if (ids.includes(actor)) return { ok: true };
  }
  return { ok: false, reason: 'you are not one of the approvers of vpnbot plans' };
}

/**
 * Who may approve, in words, for the plan message. A user group is named by its handle when the
 * front end knows it (`groupName`), never mentioned: a mention would ping the whole group on every
 * plan. Users are mentioned (they are the ones asked).
 */
export function approverWords(policy: ApprovalPolicy, groupName?: (groupId: string) => string | undefined): string {
  const needs = policy.requiredApprovals > 1 ? `; ${policy.requiredApprovals} different approvers are needed` : '';
  if (policy.approvers.length === 0)
    return `${policy.allowSelfApproval ? 'any member, the requester included,' : 'any member but the requester'} may approve${needs}`;
  const group = (id: string) => {
    const name = groupName?.(id);
    return name ? `members of @${name}` : `members of user group ${id}`;
  };
  const names = policy.approvers.map((a) => (a.startsWith('S') ? group(a) : `<@${a}>`)).join(', ');
  return `approvers: ${names}${policy.allowSelfApproval ? '' : ' (not the requester)'}${needs}`;
}
