/**
 * The topology's `interRegionBandwidth`: what the transit routers' inter-region connections carry.
 * Written `test` (the default: 1 Kbit/s for connectivity tests, pings only), `{ dataTransferMbps: N }`
 * (pay by data transfer, capped at N Mbit/s) or `{ plan: cenbwp-..., mbps: N }` (N Mbit/s of a CEN
 * bandwidth plan bought beforehand); in the one-line form `interregion=test`,
 * `interregion=transfer:N` or `interregion=cenbwp-...:N`. Checked here with specific problems.
 */
import { closest, distance } from 'fastest-levenshtein';
import { problem, type Problem } from '../errors';
import type { InterRegionBandwidth } from './model';

const PATH = 'interRegionBandwidth';
const FORMS = 'interRegionBandwidth: test, { dataTransferMbps: 10 } or { plan: cenbwp-xxxx, mbps: 10 }';
const KEYS = ['dataTransferMbps', 'plan', 'mbps'] as const;
/** The largest inter-region bandwidth vpnbot asks for, in Mbit/s (the console's own ceiling is of this order). */
export const MAX_INTER_REGION_MBPS = 10_000;

const shown = (v: unknown) =>
  typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : (JSON.stringify(v) ?? String(v));

function mbpsOf(v: unknown, path: string, problems: Problem[]): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_INTER_REGION_MBPS) return v;
  problems.push(
    problem(
      'bandwidth.mbps',
      path,
      `${path.split('.').pop()} must be a whole number of Mbit/s from 1 to ${MAX_INTER_REGION_MBPS}, got ${shown(v)}`,
      'e.g. 10',
    ),
  );
  return undefined;
}

/** The bandwidth the document asks for, or undefined with problems saying why not. */
export function checkInterRegionBandwidth(input: unknown, problems: Problem[]): InterRegionBandwidth | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string' && input.trim().toLowerCase() === 'test') return { type: 'test' };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push(problem('bandwidth.form', PATH, `interRegionBandwidth cannot be ${shown(input)}`, `write ${FORMS}`));
    return undefined;
  }
  const o = input as Record<string, unknown>;
  const before = problems.length;
  for (const key of Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k))) {
    const lower = key.toLowerCase();
    const prefixed = KEYS.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
    const close = closest(key, [...KEYS]);
    const guess = prefixed ?? (distance(lower, close.toLowerCase()) <= 3 ? close : undefined);
    problems.push(
      problem(
        'schema.unknown-key',
        `${PATH}.${key}`,
        `unknown key "${key}"`,
        guess ? `did you mean "${guess}"?` : `write ${FORMS}`,
      ),
    );
  }
  if ('dataTransferMbps' in o && 'plan' in o) {
    problems.push(
      problem(
        'bandwidth.form',
        PATH,
        'interRegionBandwidth is either pay-by-data-transfer or a bandwidth plan, not both',
        'keep dataTransferMbps, or plan with mbps',
      ),
    );
    return undefined;
  }
  if ('dataTransferMbps' in o) {
    if ('mbps' in o)
      problems.push(
        problem('bandwidth.form', `${PATH}.mbps`, 'mbps goes with a plan', 'the cap is dataTransferMbps alone'),
      );
    const mbps = mbpsOf(o.dataTransferMbps, `${PATH}.dataTransferMbps`, problems);
    return problems.length === before && mbps !== undefined ? { type: 'data-transfer', mbps } : undefined;
  }
  if ('plan' in o) {
    const plan = typeof o.plan === 'string' ? o.plan.trim() : '';
    if (!/^cenbwp-[a-z0-9]+$/.test(plan))
      problems.push(
        problem(
          'bandwidth.plan',
          `${PATH}.plan`,
          `${shown(o.plan)} is not a CEN bandwidth plan id`,
          'give the id of the plan, e.g. cenbwp-xxxx (the console lists them under CEN > Bandwidth Plans)',
        ),
      );
    const mbps = 'mbps' in o ? mbpsOf(o.mbps, `${PATH}.mbps`, problems) : undefined;
    if (!('mbps' in o))
      problems.push(
        problem('bandwidth.mbps', `${PATH}.mbps`, 'how much of the plan to allocate is missing', 'add mbps: 10'),
      );
    return problems.length === before && mbps !== undefined ? { type: 'plan', planId: plan, mbps } : undefined;
  }
  if (problems.length === before)
    problems.push(problem('bandwidth.form', PATH, 'interRegionBandwidth names no bandwidth', `write ${FORMS}`));
  return undefined;
}

/** The one-line form's `interregion=` value as the document's value (checked like it afterwards). */
export function bandwidthFromLine(value: string): unknown {
  const v = value.trim();
  if (v.toLowerCase() === 'test') return 'test';
  const transfer = /^transfer:(.*)$/i.exec(v);
  if (transfer) return { dataTransferMbps: Number(transfer[1]) };
  const plan = /^(cenbwp-[^:]*):(.*)$/i.exec(v);
  if (plan) return { plan: plan[1], mbps: Number(plan[2]) };
  return v;
}

/** The bandwidth in a few words, for plans and messages. */
export function describeBandwidth(b: InterRegionBandwidth): string {
  switch (b.type) {
    case 'test':
      return 'the free test bandwidth, 1 Kbit/s: pings only, paced';
    case 'data-transfer':
      return `pay-by-data-transfer, up to ${b.mbps} Mbit/s`;
    case 'plan':
      return `${b.mbps} Mbit/s of bandwidth plan ${b.planId}`;
  }
}
