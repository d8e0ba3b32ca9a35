/**
 * Deletes of what vpnbot created and no longer wants, in reverse dependency order: a resource goes
 * after everything built on it (each kind's `deleteAfter` in the catalogue).
 */
import { TAG_STEP, TAG_TOPOLOGY, type ObservedState } from './observed';
import type { DeleteStep, Step, StepKind } from './plan';
import { STEP_CATALOGUE } from './step-catalogue';
import { parseStepId } from './step-ids';

/** The regions a resource is in: its own, or both of an inter-region connection (named in its id). */
function regionsOf(x: { id: string; region: string }): readonly string[] {
  const parsed = parseStepId(x.id);
  return parsed?.kind === 'tr-peer-attachment' ? parsed.regions : [x.region];
}

/** Regional resources only wait for those of their own region (a connection is in both of its); the CEN for all. */
export function deleteDependencies(
  deletes: readonly { id: string; kind: StepKind; region: string }[],
): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const d of deletes) {
    const first = STEP_CATALOGUE[d.kind].deleteAfter;
    const before = deletes.filter(
      (x) => x.id !== d.id && first.includes(x.kind) && (d.kind === 'cen' || regionsOf(x).includes(d.region)),
    );
    deps.set(d.id, before.map((x) => x.id).sort());
  }
  return deps;
}

/** Delete steps for the resources tagged for `topology` whose step is not in `keepIds`. */
export function deleteSteps(topology: string, observed: ObservedState, keepIds: ReadonlySet<string>): Step[] {
  const owned = observed.resources.filter(
    (r) => r.tags[TAG_TOPOLOGY] === topology && r.tags[TAG_STEP] !== undefined && !keepIds.has(r.tags[TAG_STEP]!),
  );
  const items = owned.map((r) => ({ id: r.tags[TAG_STEP]!, kind: r.kind, region: r.region, cloudId: r.id }));
  const deps = deleteDependencies(items);
  return items.map(
    ({ id, kind, region, cloudId }): DeleteStep => ({
      id,
      kind,
      site: parseStepId(id)?.site ?? null,
      region,
      action: 'delete',
      dependsOn: deps.get(id)!,
      params: {},
      refs: {},
      cloudId,
    }),
  );
}
