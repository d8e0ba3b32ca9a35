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
  valid(
    topologyFromYaml(`
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
`),
  );

/**
 * 50 sites: 25 DCs in Hong Kong, each dialling its own hub (IKEv1, one connection per side), the 25
 * hubs over 25 regions' worth of CEN attachments and published routes. (Spokes behind a hub multiply
 * its connections: 40 spokes would need 41 per DC, over any gateway quota.)
 */
export function fiftySiteTopology(): Topology {
  const regions = [
    'ap-northeast-1',
    'eu-central-1',
    'us-east-1',
    'ap-southeast-1',
    'cn-shanghai',
    'us-west-1',
    'eu-west-1',
    'me-east-1',
    'ap-northeast-2',
    'ap-southeast-5',
    'cn-beijing',
    'cn-hangzhou',
    'cn-shenzhen',
  ];
  const lines = Array.from({ length: 25 }, (_, i) => [
    // A /23: room for the vSwitch in each of two zones.
    `  - { name: dc-${i}, role: dc, region: cn-hongkong, cidrs: [192.168.${2 * i}.0/23], hub: hub-${i} }`,
    `  - { name: hub-${i}, role: hub, region: ${regions[i % regions.length]}, cidrs: [10.${i + 1}.0.0/16] }`,
  ]).flat();
  return valid(topologyFromYaml(`name: fifty\nsites:\n${lines.join('\n')}\n`));
}
