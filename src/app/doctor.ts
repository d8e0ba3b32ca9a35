/**
 * `vpnbot doctor [topology]` and `/vpn doctor [topology]`: the preflight on its own. With a
 * topology, the checks follow what planning it now would create; without, the credentials and the
 * billing site alone.
 */
import type { Topology } from '../topology/model';
import type { PreflightReport } from '../preflight/finding';
import { runPreflight } from '../preflight/run-preflight';
import type { AppServices } from './app-services';

export async function doctor(services: AppServices, topology?: Topology): Promise<PreflightReport> {
  const plan = topology ? await services.engine.plan(topology) : undefined;
  return runPreflight(services.cloud, plan);
}
