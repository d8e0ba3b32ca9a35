/**
 * Topologies read back from storage: the validated model (model.ts) checked field by field, never
 * cast, so a document stored by another version of vpnbot is refused with what does not fit.
 */
import { z } from 'zod';
import { IKE_VERSIONS, ROLES, type Topology } from './model';
import { readStoredJson } from '../stored-json';
import { withSecondZone } from './second-zone';

const siteModel = z.strictObject({
  name: z.string(),
  role: z.enum(ROLES),
  region: z.string(),
  zone: z.string(),
  cidrs: z.array(z.string()).readonly(),
  vswitchCidr: z.string().optional(),
  secondZone: z.string().optional(),
  secondVswitchCidr: z.string().optional(),
  hub: z.string().optional(),
  onPremises: z.strictObject({ publicIp: z.string(), owners: z.array(z.string()).readonly().optional() }).optional(),
  existing: z.strictObject({
    vpc: z.string().optional(),
    vpnGateway: z.string().optional(),
    customerGateway: z.string().optional(),
    cen: z.string().optional(),
  }),
});

const topologyModel = z.strictObject({
  name: z.string(),
  ike: z.enum(IKE_VERSIONS),
  probes: z.boolean(),
  sites: z.array(siteModel).readonly(),
  interRegionBandwidth: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('test') }),
      z.strictObject({ type: z.literal('data-transfer'), mbps: z.number() }),
      z.strictObject({ type: z.literal('plan'), planId: z.string(), mbps: z.number() }),
    ])
    .optional(),
});

/** The topology in `json`, or why it cannot be read as one of this version. */
export function readStoredTopology(json: string): { ok: true; topology: Topology } | { ok: false; reason: string } {
  const r = readStoredJson(json, topologyModel, 'topology');
  if (!r.ok) return r;
  // Stored before sites had a second zone: filled in as validation would now.
  const topology = r.value as Topology;
  return { ok: true, topology: { ...topology, sites: topology.sites.map(withSecondZone) } };
}
