/** Topologies for benchmarks: the seed, and twelve sites over three hubs. */
import { topologyFromLine, topologyFromYaml } from '../topology/load-topology';
import type { Topology } from '../topology/model';

function valid(r: ReturnType<typeof topologyFromYaml>): Topology {
  if (!r.ok) throw new Error(`bench topology is invalid: ${JSON.stringify(r.problems)}`);
  return r.value;
}

export const seedBenchTopology = (): Topology => valid(topologyFromLine('seed'));

/** 3 DCs (one per hub), 3 hubs, 6 spokes: 12 sites, 7 IKEv1 connections per gateway. */
export const twelveSiteTopology = (): Topology =>
  valid(topologyFromYaml(`
name: twelve
sites:
  - { name: dc-hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], hub: hub-tokyo }
  - { name: dc-sg, role: dc, region: ap-southeast-1, cidrs: [192.169.0.0/16], hub: hub-frankfurt }
  - { name: dc-sh, role: dc, region: cn-shanghai, cidrs: [192.170.0.0/16], hub: hub-virginia }
  - { name: hub-tokyo, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/16] }
  - { name: hub-frankfurt, role: hub, region: eu-central-1, cidrs: [172.17.0.0/16] }
  - { name: hub-virginia, role: hub, region: us-east-1, cidrs: [172.18.0.0/16] }
  - { name: sv, role: spoke, region: us-west-1, cidrs: [10.1.0.0/16] }
  - { name: london, role: spoke, region: eu-west-1, cidrs: [10.2.0.0/16] }
  - { name: dubai, role: spoke, region: me-east-1, cidrs: [10.3.0.0/16] }
  - { name: seoul, role: spoke, region: ap-northeast-2, cidrs: [10.4.0.0/16] }
  - { name: jakarta, role: spoke, region: ap-southeast-5, cidrs: [10.5.0.0/16] }
  - { name: beijing, role: spoke, region: cn-beijing, cidrs: [10.6.0.0/16] }
`));
