/**
 * What the cloud holds, as the planner needs to see it: resources found by vpnbot's tags or by the
 * ids the user asked to adopt, with the few attributes needed to match them to steps.
 */
import type { StepKind } from './plan';
import type { ObservedAttrs } from './step-params';

export const TAG_TOPOLOGY = 'vpnbot:topology';
export const TAG_STEP = 'vpnbot:step';

export interface ObservedResourceOf<K extends StepKind> {
  readonly kind: K;
  readonly id: string;
  readonly region: string;
  readonly tags: Readonly<Record<string, string>>;
  /** What the planner matches a desired step against, by kind (step-params.ts). */
  readonly attrs: ObservedAttrs<K>;
}

export type ObservedResource = { [K in StepKind]: ObservedResourceOf<K> }[StepKind];

/** A CEN's edition, as the planner needs it: `basic` for one bought before Enterprise Edition (its routers are Basic). */
export type CenEdition = 'basic' | 'enterprise';

export interface ObservedState {
  readonly resources: readonly ObservedResource[];
  /** The adopted CEN's edition, when the topology adopts one (absent: enterprise). */
  readonly cenEdition?: CenEdition;
  /**
   * By site: the probe type a new probe takes where the planned one is not in stock in the site's
   * zone (probeTypeFor); absent for a site whose probe exists or whose zone has the planned type.
   */
  readonly probeTypes?: Readonly<Record<string, string>>;
}

export const EMPTY_OBSERVED: ObservedState = { resources: [] };
