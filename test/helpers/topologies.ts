import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { topologyFromLine, topologyFromYaml } from '../../src/topology/load-topology';
import type { Topology } from '../../src/topology/model';
import type { ValidationOptions } from '../../src/topology/validate';

/** A valid topology from YAML; fails the test with the problems otherwise. */
export function yamlTopology(text: string, options?: ValidationOptions): Topology {
  const r = topologyFromYaml(text, options);
  if (!r.ok) throw new Error(`expected a valid topology:\n${JSON.stringify(r.problems, null, 2)}`);
  return r.value;
}

export function seedTopology(): Topology {
  const r = topologyFromLine('seed');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

/**
 * How many resources the seed topology has (its first plan's steps). The planner's own test holds
 * the exact resources of the walkthrough; tests of what runs them read the count from here.
 */
export const SEED_STEPS = buildPlan(seedTopology(), EMPTY_OBSERVED).steps.length;

/** The problem codes a YAML document is refused with. */
export function yamlProblemCodes(text: string, options?: ValidationOptions): string[] {
  const r = topologyFromYaml(text, options);
  if (r.ok) throw new Error('expected the topology to be refused');
  return r.problems.map((p) => p.code);
}

/** A DC with three CIDRs behind a hub with two CIDRs and two spokes: 3 x 4 = 12 pairs. */
export const BIG_DC_YAML = (ike: 'v1' | 'v2') => `
name: wide
ike: ${ike}
sites:
  - { name: dc1, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16, 192.169.0.0/16, 192.170.0.0/16] }
  - { name: hub, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/16, 172.17.0.0/16] }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
  - { name: sg, role: spoke, region: ap-southeast-1, cidrs: [11.0.0.0/16] }
`;

/**
 * A real data centre (its own device at a public address, owned by a user and a user group), a hub
 * and a spoke: two CIDR pairs, so two connections on the hub, two tunnels each, all to one device.
 */
export const ONPREM_YAML = `
name: hybrid
sites:
  - { name: dc1, role: dc, cidrs: [192.168.0.0/16], onPremises: { publicIp: 203.0.113.10, owners: [UOWNER1, SNETOPS] } }
  - { name: hub, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
  - { name: spoke, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`;
