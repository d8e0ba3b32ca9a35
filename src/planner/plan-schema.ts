/**
 * Plans read back from storage, checked against the step schemas of this version (step-params.ts)
 * and their own hash, never cast: a run stored by another version of vpnbot, or a row changed by
 * hand, is refused with what does not fit instead of being misread.
 */
import { z } from 'zod';
import { issue, readStoredJson } from '../stored-json';
import { ACTIONS, STEP_KINDS, type Plan, type Step } from './plan';
import { planHash } from './plan-hash';
import { STEP_PARAMS, STEP_REFS } from './step-params';

const stepBase = z.object({
  id: z.string(),
  kind: z.enum(STEP_KINDS),
  site: z.string().nullable(),
  region: z.string(),
  action: z.enum(ACTIONS),
  dependsOn: z.array(z.string()),
  params: z.unknown(),
  refs: z.unknown(),
  cloudId: z.string().optional(),
  external: z.boolean().optional(),
});

const planBase = z.object({
  topology: z.string(),
  ike: z.enum(['v1', 'v2']),
  hash: z.string(),
  steps: z.array(z.unknown()),
  summary: z.object({ create: z.number(), adopt: z.number(), keep: z.number(), delete: z.number() }),
});

const empty = z.strictObject({});

function checkStep(raw: unknown, i: number): { ok: true; step: Step } | { ok: false; reason: string } {
  const base = stepBase.safeParse(raw);
  if (!base.success) return { ok: false, reason: issue(`steps[${i}]`, base.error) };
  const s = base.data;
  if (s.action === 'delete') {
    if (s.cloudId === undefined) return { ok: false, reason: `steps[${i}] (${s.id}): a delete without a cloud id` };
    const p = empty.safeParse(s.params);
    const r = empty.safeParse(s.refs);
    if (!p.success || !r.success) return { ok: false, reason: `steps[${i}] (${s.id}): a delete carries no parameters` };
  } else {
    const p = STEP_PARAMS[s.kind].safeParse(s.params);
    if (!p.success) return { ok: false, reason: issue(`steps[${i}] (${s.id}).params`, p.error) };
    const r = STEP_REFS[s.kind].safeParse(s.refs);
    if (!r.success) return { ok: false, reason: issue(`steps[${i}] (${s.id}).refs`, r.error) };
  }
  return { ok: true, step: raw as Step };
}

/** The plan in `json`, or why it cannot be read as a plan of this version. */
export function readStoredPlan(json: string): { ok: true; plan: Plan } | { ok: false; reason: string } {
  const base = readStoredJson(json, planBase, 'plan');
  if (!base.ok) return base;
  const steps: Step[] = [];
  for (const [i, raw] of base.value.steps.entries()) {
    const r = checkStep(raw, i);
    if (!r.ok) return r;
    steps.push(r.step);
  }
  const plan: Plan = { ...base.value, steps };
  if (planHash(plan.topology, steps) !== plan.hash) return { ok: false, reason: 'its steps do not match its hash' };
  return { ok: true, plan };
}
