/**
 * A step's driver input: its parameters with each reference replaced by the referenced step's
 * output, its tags and description marker, and (for a run) its ClientToken. The one resolver the
 * step runner and the refresh share.
 */
import { createHash } from 'node:crypto';
import type { ResourceInput } from '../cloud/cloud-api';
import { TAG_STEP, TAG_TOPOLOGY } from '../planner/observed';
import type { DesiredStep, Ref } from '../planner/plan';

/** Outputs of finished steps (`id`, `routeTableId`, `internetIp`, ...), by step id. */
export type StepOutputs = ReadonlyMap<string, Readonly<Record<string, string>>>;

export const clientTokenFor = (runId: string, stepId: string) =>
  `vpnbot-${createHash('sha256').update(`${runId}\n${stepId}`).digest('hex').slice(0, 40)}`;

export type ResolvedInput = { ok: true; input: ResourceInput } | { ok: false; missing: Ref };

/**
 * `partial`: a reference not known yet is left out instead of failing, for looking up an
 * equivalent already in service by its natural key (never for creating anything).
 */
export function resolveInput(
  step: DesiredStep,
  topology: string,
  outputs: StepOutputs,
  run?: { runId: string; psk?: ResourceInput['psk'] },
  options: { partial?: boolean } = {},
): ResolvedInput {
  const params: Record<string, unknown> = { ...step.params };
  for (const [name, ref] of Object.entries(step.refs as Readonly<Record<string, Ref | undefined>>)) {
    if (!ref) continue;
    const value = outputs.get(ref.step)?.[ref.output];
    if (value === undefined || value === '') {
      if (options.partial) continue;
      return { ok: false, missing: ref };
    }
    params[name] = value;
  }
  return {
    ok: true,
    input: {
      region: step.region,
      // Every declared reference is now a value: the shape StepInput of this step's kind.
      params: params as ResourceInput['params'],
      clientToken: run ? clientTokenFor(run.runId, step.id) : '',
      marker: `vpnbot:${topology}:${step.id}`,
      tags: { [TAG_TOPOLOGY]: topology, [TAG_STEP]: step.id },
      ...(run?.psk ? { psk: run.psk } : {}),
    },
  };
}
