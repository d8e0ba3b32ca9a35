/**
 * A security group's rules as one resource (the `security-group-rules` kind): each rule's key, and
 * the digest of the whole set that its cloud id carries (`sgId|digest`), so the planner and the
 * driver agree on whether the rules in place are the ones a topology wants.
 */
import { createHash } from 'node:crypto';
import type { StepParams } from './step-params';

export type Rule = StepParams<'security-group-rules'>['rules'][number];

/** What makes two rules the same one for the cloud (AuthorizeSecurityGroup adds a rule with these once). */
export function ruleKey(r: {
  readonly ipProtocol: string;
  readonly portRange: string;
  readonly sourceCidrIp: string;
  readonly policy: string;
  readonly priority: number;
}): string {
  return [r.ipProtocol.toUpperCase(), r.portRange, r.sourceCidrIp, r.policy.toLowerCase(), r.priority].join('|');
}

/** Order-free: the same rules in any order digest the same. */
export function digestOfKeys(keys: Iterable<string>): string {
  const sorted = [...new Set(keys)].sort();
  return createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 16);
}

export const ruleSetDigest = (rules: readonly Rule[]) => digestOfKeys(rules.map(ruleKey));

/** The cloud id of a group's rule set: the group, and the digest of the rules. */
export const ruleSetId = (securityGroupId: string, digest: string) => `${securityGroupId}|${digest}`;

/** The two parts of a rule set's cloud id (digest '' for an id of another shape). */
export function parseRuleSetId(id: string): { readonly securityGroupId: string; readonly digest: string } {
  const [securityGroupId = '', digest = ''] = id.split('|');
  return { securityGroupId, digest };
}
