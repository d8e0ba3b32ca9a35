/**
 * What the cloud holds, as the planner needs to see it: resources found by vpnbot's tags or by the
 * ids the user asked to adopt, with the few attributes needed to match them to steps.
 */
import type { StepKind } from './plan';

export const TAG_TOPOLOGY = 'vpnbot:topology';
export const TAG_STEP = 'vpnbot:step';

export interface ObservedResource {
  readonly kind: StepKind;
  readonly id: string;
  readonly region: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Kind-specific attributes used for matching: `vpcId`, `vpnGatewayId`, `localCidrs`,
   * `remoteCidrs`, `destinationCidr`, `nextHopId`, `cenId`, `childInstanceId`, `ipAddress`, ...
   */
  readonly attrs: Readonly<Record<string, string | readonly string[] | number | boolean | undefined>>;
}

export interface ObservedState {
  readonly resources: readonly ObservedResource[];
}

export const EMPTY_OBSERVED: ObservedState = { resources: [] };
