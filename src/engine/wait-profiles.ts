/** Per-kind polling and timeouts, from Terraform's budgets for the same resources (alibaba-api.md §5.3). */
import type { StepKind } from '../planner/plan';
import { MINUTE, type WaitProfile } from './retry-policy';

const quick: WaitProfile = { firstPollMs: 500, maxPollMs: 5_000, timeoutMs: 5 * MINUTE };

export const WAIT_PROFILES: Record<StepKind, WaitProfile> = {
  vpc: { firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
  vswitch: quick,
  'vpn-gateway': { firstPollMs: 5_000, maxPollMs: 20_000, timeoutMs: 15 * MINUTE },
  'customer-gateway': quick,
  'ipsec-connection': { firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 5 * MINUTE },
  'route-entry': { firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 10 * MINUTE },
  cen: quick,
  'cen-attachment': { firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
  'cen-route-publish': { firstPollMs: 1_000, maxPollMs: 5_000, timeoutMs: 3 * MINUTE },
  'security-group': quick,
  'security-group-rule': quick,
  'ecs-instance': { firstPollMs: 3_000, maxPollMs: 10_000, timeoutMs: 10 * MINUTE },
};

/** How long a tunnel may take to negotiate once both sides are configured. */
export const TUNNEL_PROFILE: WaitProfile = { firstPollMs: 2_000, maxPollMs: 10_000, timeoutMs: 5 * MINUTE };

/** Deletes wait for dependents to drain (ENIs, detaches) for this long. */
export const DELETE_DRAIN_MS = 10 * MINUTE;
