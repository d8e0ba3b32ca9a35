/**
 * The CEN steps of a topology on today's CEN (Enterprise Edition): a transit router per member
 * region; each member's VPC connected through its vSwitches in two zones (one in a single-zone
 * region), associated with and propagating into the router's system route table; an inter-region
 * connection between every two regions, with the topology's bandwidth; the VPC routes back to the
 * connection; and each hub's DC CIDRs advertised to its router. The rules are in ikev1-rules.ts.
 */
import { bandwidthOf, type Site, type Topology } from '../topology/model';
import type { Draft } from './desired-steps';
import { regionPairs, routesToTransitRouter, transitRegions, type TunnelDesign } from './ikev1-rules';
import type { Ref } from './plan';
import { stepId } from './step-ids';
import type { OutputName } from './step-params';

const ref = (step: string, output: OutputName = 'id'): Ref => ({ step, output });

export function transitRouterSteps(
  t: Topology,
  members: readonly Site[],
  tunnels: readonly TunnelDesign[],
  add: (d: Draft) => void,
): void {
  const cen = stepId.cen(t.name);
  const regions = transitRegions(members);
  for (const region of regions) {
    add({
      id: stepId.transitRouter(region),
      kind: 'transit-router',
      site: null,
      region,
      params: { name: `${t.name}-${region}` },
      refs: { cenId: ref(cen) },
    });
  }
  for (const s of members) {
    const router = stepId.transitRouter(s.region);
    const attachment = stepId.trVpcAttachment(s.name);
    const second = s.secondZone !== undefined && s.secondVswitchCidr !== undefined;
    add({
      id: attachment,
      kind: 'tr-vpc-attachment',
      site: s.name,
      region: s.region,
      params: { name: `${t.name}-${s.name}`, zoneIds: second ? [s.zone, s.secondZone!] : [s.zone] },
      refs: {
        cenId: ref(cen),
        transitRouterId: ref(router),
        vpcId: ref(stepId.vpc(s.name)),
        vswitchId: ref(stepId.vswitch(s.name)),
        ...(second ? { secondVswitchId: ref(stepId.secondVswitch(s.name)) } : {}),
      },
    });
    const table = { attachmentId: ref(attachment), routeTableId: ref(router, 'routeTableId') };
    add({
      id: stepId.trAssociation(s.name),
      kind: 'tr-association',
      site: s.name,
      region: s.region,
      params: { routeTable: 'System' },
      refs: table,
    });
    add({
      id: stepId.trPropagation(s.name),
      kind: 'tr-propagation',
      site: s.name,
      region: s.region,
      params: { routeTable: 'System' },
      refs: table,
    });
    for (const d of routesToTransitRouter(members, tunnels, s)) {
      add({
        id: stepId.trVpcRoute(s.name, d),
        kind: 'tr-vpc-route',
        site: s.name,
        region: s.region,
        params: { destinationCidr: d },
        refs: {
          cenId: ref(cen),
          routeTableId: ref(stepId.vpc(s.name), 'routeTableId'),
          attachmentId: ref(attachment),
        },
      });
    }
  }
  for (const [a, b] of regionPairs(regions)) {
    add({
      id: stepId.trPeerAttachment(a, b),
      kind: 'tr-peer-attachment',
      site: null,
      region: a,
      params: { name: `${t.name}-${a}-${b}`, peerRegionId: b, bandwidth: bandwidthOf(t) },
      refs: {
        cenId: ref(cen),
        transitRouterId: ref(stepId.transitRouter(a)),
        peerTransitRouterId: ref(stepId.transitRouter(b)),
      },
    });
  }
  for (const { hub, published } of tunnels) {
    for (const d of published) {
      add({
        id: stepId.trAdvertisement(hub.name, d),
        kind: 'tr-advertisement',
        site: hub.name,
        region: hub.region,
        dependsOn: [stepId.trVpcAttachment(hub.name), stepId.routeEntry(hub.name, d)],
        params: { destinationCidr: d, childInstanceType: 'VPC', childInstanceRegionId: hub.region },
        refs: {
          cenId: ref(cen),
          childInstanceId: ref(stepId.vpc(hub.name)),
          routeTableId: ref(stepId.vpc(hub.name), 'routeTableId'),
        },
      });
    }
  }
}
