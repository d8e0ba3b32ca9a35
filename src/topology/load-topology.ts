import type { Result } from '../errors';
import type { Topology } from './model';
import { parseTopologyLine } from './parse-line';
import { parseTopologyYaml } from './parse-yaml';
import type { TopologyInput } from './schema';
import { validateTopology, type ValidationOptions } from './validate';

const then = (r: Result<TopologyInput>, options?: ValidationOptions): Result<Topology> => (r.ok ? validateTopology(r.value, options) : r);

/** YAML text -> validated topology, or every problem found. Never throws. */
export function topologyFromYaml(text: string, options?: ValidationOptions): Result<Topology> {
  return then(parseTopologyYaml(text), options);
}

/** One-line form (Slack) -> validated topology, or every problem found. Never throws. */
export function topologyFromLine(text: string, options?: ValidationOptions): Result<Topology> {
  return then(parseTopologyLine(text), options);
}
