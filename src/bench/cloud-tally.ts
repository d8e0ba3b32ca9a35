/**
 * What an emulator in another process counts, read through its control API: the calls it answered
 * by action, and the resources it holds. The apply bench divides calls by the resources an apply
 * created, counted in the cloud, not in plan steps: a step that makes a group's rules makes one
 * resource per rule, as a step per rule did before (so fewer steps cannot flatter the ratio).
 */
import { CONTROL_PREFIX } from '../emulator/server/control-api';
import type { Inventory } from '../emulator/state/inventory';

export interface CloudTally {
  /** Calls answered so far, by action. */
  readonly calls: Readonly<Record<string, number>>;
  /** Resources held: every live resource of every kind, each security-group rule one. */
  readonly resources: number;
}

/** Kinds the inventory counts that are not resources of their own: a rule set is its rules (`ruleCount`). */
const NOT_RESOURCES = new Set(['security-group-rule', 'security-group-rules']);

export function resourcesHeld(inv: Pick<Inventory, 'counts' | 'ruleCount'>): number {
  const others = Object.entries(inv.counts)
    .filter(([kind]) => !NOT_RESOURCES.has(kind))
    .reduce((n, [, c]) => n + c, 0);
  return others + inv.ruleCount;
}

export async function tallyCloud(endpoint: string): Promise<CloudTally> {
  const get = async <T>(path: string) =>
    (await (await fetch(new URL(`${CONTROL_PREFIX}${path}`, endpoint))).json()) as T;
  const stats = await get<{ calls: Record<string, number> }>('stats');
  return { calls: stats.calls, resources: resourcesHeld(await get<Inventory>('inventory')) };
}

/** From one tally to a later one: the resources created and the calls made, by action (largest first). */
export function tallyDelta(
  before: CloudTally,
  after: CloudTally,
): { readonly created: number; readonly calls: Readonly<Record<string, number>> } {
  const calls = Object.entries(after.calls)
    .map(([action, n]) => [action, n - (before.calls[action] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { created: after.resources - before.resources, calls: Object.fromEntries(calls) };
}
