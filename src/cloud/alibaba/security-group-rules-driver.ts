/**
 * A security group's ingress rules as one resource (`security-group-rules`): one step per group
 * instead of one call per rule. Its cloud id is `sgId|digest`, the digest of the rule set made
 * (rule-set.ts). The rules vpnbot owns carry the step's marker as their Description
 * (`vpnbot:<topology>:security-group-rules:<site>`, see cloud-api.ts); rules without it are never
 * touched.
 *
 * AuthorizeSecurityGroup and RevokeSecurityGroup take 1 to 100 rules per call (`Permissions.N`,
 * `SecurityGroupRuleId.N`: "Array length: 1 to 100" / "0 to 100" in the official SDK's
 * AuthorizeSecurityGroupRequest and RevokeSecurityGroupRequest; alibaba-api.md §8.2), so a group's
 * rules go in chunks of at most RULES_PER_CALL.
 */
import { createHash } from 'node:crypto';
import * as $Ecs from '@alicloud/ecs20140526';
import { digestOfKeys, parseRuleSetId, ruleKey, ruleSetDigest, ruleSetId, type Rule } from '../../planner/rule-set';
import type { ResourceDriver } from '../cloud-api';
import { GONE, orGone, ready, type DriverContext } from './driver-kit';

/** The documented limit of permissions (and rule ids) in one Authorize/RevokeSecurityGroup call. */
export const RULES_PER_CALL = 100;

/** The Description of a rule vpnbot made as part of a rule set (its step's marker). */
const OWNED = /^vpnbot:[^:]+:security-group-rules:/;

/** A rule as DescribeSecurityGroupAttribute lists it: only the fields read are kept. */
interface HeldRule {
  readonly id: string;
  readonly key: string;
  readonly owned: boolean;
}

function chunks<T>(xs: readonly T[], size = RULES_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export function securityGroupRulesDriver(ctx: DriverContext): ResourceDriver<'security-group-rules'> {
  /** Every ingress rule of the group, page by page (1,000 a page, the most the API gives). */
  const rulesOf = async (region: string, securityGroupId: string): Promise<HeldRule[]> => {
    const held: HeldRule[] = [];
    let nextToken: string | undefined;
    do {
      const r = await ctx.call('DescribeSecurityGroupAttribute', () =>
        ctx.clients.ecs(region).describeSecurityGroupAttribute(
          new $Ecs.DescribeSecurityGroupAttributeRequest({
            regionId: region,
            securityGroupId,
            direction: 'ingress',
            maxResults: 1000,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      for (const p of r.body?.permissions?.permission ?? []) {
        held.push({
          id: p.securityGroupRuleId ?? '',
          key: ruleKey({
            ipProtocol: p.ipProtocol ?? '',
            portRange: p.portRange ?? '',
            sourceCidrIp: p.sourceCidrIp ?? '',
            policy: p.policy ?? '',
            priority: Number(p.priority ?? '1'),
          }),
          owned: OWNED.test(p.description ?? ''),
        });
      }
      nextToken = r.body?.nextToken || undefined;
    } while (nextToken);
    return held;
  };

  /** Revokes rules by id, at most RULES_PER_CALL a call. */
  const revoke = async (region: string, securityGroupId: string, ids: readonly string[]) => {
    for (const part of chunks(ids)) {
      await ctx.call('RevokeSecurityGroup', () =>
        ctx.clients
          .ecs(region)
          .revokeSecurityGroup(
            new $Ecs.RevokeSecurityGroupRequest({ regionId: region, securityGroupId, securityGroupRuleId: part }),
          ),
      );
    }
  };

  const ownedDigest = (held: readonly HeldRule[]) => digestOfKeys(held.filter((r) => r.owned).map((r) => r.key));
  /**
   * Ready when the rules of ours in the group are exactly the set the id names. Any other set
   * (changed by hand, or half-made by a run cut short) is not this resource: gone, so the refresh
   * finds nothing and the planner creates it again, which converges.
   */
  const read = (region: string, id: string) => {
    const { securityGroupId, digest } = parseRuleSetId(id);
    return orGone(rulesOf(region, securityGroupId), (held) => (ownedDigest(held) === digest ? ready({ id }) : GONE));
  };

  return {
    kind: 'security-group-rules',
    /**
     * Converges the group on the rules asked for: revokes rules of ours no longer asked for, then
     * adds those missing. Idempotent: a run cut short after some chunks reads what is in place and
     * adds only the rest; in a group the plan made, it adds them all again, and the cloud takes a
     * rule it holds as present ("succeeds, but no rule is added"): nothing is added twice.
     */
    async create(input) {
      const { region, clientToken, marker } = input;
      const { securityGroupId, rules } = input.params;
      // A group this plan made holds nothing of an earlier set: no read before adding.
      const held = input.params.inNewGroup ? [] : await rulesOf(region, securityGroupId);
      const wanted = new Map<string, Rule>(rules.map((r) => [ruleKey(r), r]));
      const ours = held.filter((r) => r.owned);
      const stale = ours.filter((r) => !wanted.has(r.key)).map((r) => r.id);
      if (stale.length > 0) await revoke(region, securityGroupId, stale);
      const present = new Set(ours.map((r) => r.key));
      const missing = [...wanted].filter(([k]) => !present.has(k));
      for (const part of chunks(missing)) {
        // One token per chunk, from the run's token and the chunk's rules: a replayed chunk is the
        // same request, a different chunk never reuses a token (IdempotentParameterMismatch).
        const token = clientToken
          ? createHash('sha256')
              .update(`${clientToken}\n${part.map(([k]) => k).join('\n')}`)
              .digest('hex')
              .slice(0, 32)
          : undefined;
        // The rules travel in the form body: in the URL, where the SDK would put them, 100 of them
        // make about 25 KB of request head.
        await ctx.call('AuthorizeSecurityGroup', () =>
          ctx.clients.ecsForm(
            region,
            'AuthorizeSecurityGroup',
            { RegionId: region, SecurityGroupId: securityGroupId, ...(token ? { ClientToken: token } : {}) },
            {
              Permissions: part.map(([, r]) => ({
                IpProtocol: r.ipProtocol,
                PortRange: r.portRange,
                SourceCidrIp: r.sourceCidrIp,
                Policy: r.policy,
                Priority: String(r.priority),
                Description: marker,
              })),
            },
          ),
        );
      }
      return ruleSetId(securityGroupId, ruleSetDigest(rules));
    },
    read,
    /** Found when the rules of ours in the group are the ones asked for (else a changed topology re-plans it). */
    async find(input) {
      const { securityGroupId, rules } = input.params;
      const want = ruleSetDigest(rules);
      const o = await read(input.region, ruleSetId(securityGroupId, want));
      return o.state === 'ready' ? ruleSetId(securityGroupId, want) : undefined;
    },
    /** Revokes every rule of ours in the group (never another's); a group already gone has none. */
    async delete(region, id) {
      const { securityGroupId } = parseRuleSetId(id);
      let held: HeldRule[];
      try {
        held = await rulesOf(region, securityGroupId);
      } catch (e) {
        if ((e as { category?: string }).category === 'not-found') return;
        throw e;
      }
      await revoke(
        region,
        securityGroupId,
        held.filter((r) => r.owned).map((r) => r.id),
      );
    },
  };
}
