/**
 * `vpnbot doctor [topology]` and `/vpn doctor [topology]`: the preflight on its own. With a
 * topology (a known name, or a one-line topology such as `seed`), the checks follow what planning
 * it now would create; without, the credentials and the billing site alone.
 */
import type { Problem } from '../errors';
import type { PreflightReport } from '../preflight/finding';
import { runPreflight } from '../preflight/run-preflight';
import { topologyFromLine } from '../topology/load-topology';
import type { Topology } from '../topology/model';
import type { ValidationOptions } from '../topology/validate';
import type { AppServices } from './app-services';

export async function doctor(services: AppServices, topology?: Topology): Promise<PreflightReport> {
  const plan = topology ? await services.engine.plan(topology) : undefined;
  return runPreflight(services.cloud, plan);
}

export type DoctorResult =
  | { readonly ok: true; readonly topology?: string; readonly report: PreflightReport }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** The preflight of a topology applied before, by its name; undefined when none has that name. */
export async function doctorStored(services: AppServices, name: string): Promise<DoctorResult | undefined> {
  const stored = services.store.topology(name.trim());
  return stored ? { ok: true, topology: stored.name, report: await doctor(services, stored) } : undefined;
}

/** The front ends' `doctor [text]`: a stored topology by name first, else the text as a one-line topology. */
export async function doctorNamed(
  services: AppServices,
  text: string | undefined,
  validation: ValidationOptions,
): Promise<DoctorResult> {
  if (text === undefined || text.trim() === '') return { ok: true, report: await doctor(services) };
  const stored = await doctorStored(services, text);
  if (stored) return stored;
  const parsed = topologyFromLine(text, validation);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  return { ok: true, topology: parsed.value.name, report: await doctor(services, parsed.value) };
}
