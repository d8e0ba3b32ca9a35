/**
 * What each kind of step carries: its parameters (known when planning) and its references (outputs
 * of other steps, known when running). One zod schema per kind gives both the TypeScript type
 * (a misspelled field does not compile) and the check of plans read back from storage (a plan
 * stored by another version is refused by name, not misread).
 */
import { z } from 'zod';
import type { StepKind } from './plan';

const text = z.string();

/** The two forms of an IPsec connection (and the two kinds of VPN gateway they follow). */
export const TUNNEL_FORMS = ['dual', 'single'] as const;
export type TunnelForm = (typeof TUNNEL_FORMS)[number];
/** The tunnels of a connection: a single-tunnel connection's one tunnel is its master. */
export const TUNNEL_ROLES = ['master', 'slave'] as const;
export type TunnelRole = (typeof TUNNEL_ROLES)[number];
const cidrList = z.array(z.string()).readonly();

/** A value only known once another step has run: that step's output. */
export const refSchema = z.strictObject({
  step: text,
  /** `disasterRecoveryIp`: a dual-tunnel VPN gateway's second public IP (its slave tunnels'). */
  output: z.enum(['id', 'routeTableId', 'internetIp', 'disasterRecoveryIp', 'privateIp']),
});
export type Ref = z.infer<typeof refSchema>;
export type OutputName = Ref['output'];

export const STEP_PARAMS = {
  vpc: z.strictObject({ name: text, cidrBlock: text, secondaryCidrBlocks: cidrList }),
  vswitch: z.strictObject({ name: text, cidrBlock: text, zoneId: text }),
  'vpn-gateway': z.strictObject({ name: text, bandwidthMbps: z.number() }),
  /** `ipAddress` is given for an on-premises peer; for a cloud peer it is a reference to its gateway. */
  'customer-gateway': z.strictObject({ name: text, peerSite: text, ipAddress: text.optional() }),
  'ipsec-connection': z.strictObject({
    name: text,
    localCidrs: cidrList,
    remoteCidrs: cidrList,
    ikeVersion: z.enum(['ikev1', 'ikev2']),
    peerSite: text,
    /** The step of the mirrored connection on the peer gateway; null when the peer is on premises. */
    mirror: text.nullable(),
    /**
     * Plans stored before keys were named by the pair of addresses (step-catalogue.ts's
     * secretName) named them by CIDR pair here; read, never written.
     */
    pskPair: text.optional(),
    /**
     * The API form, which follows the local gateway: `dual` (TunnelOptionsSpecification, a master
     * and a slave tunnel) on a dual-tunnel gateway, `single` on one bought before the upgrade.
     */
    tunnels: z.enum(TUNNEL_FORMS),
    /**
     * The slave tunnel has a peer address of its own to negotiate with, and is awaited like the
     * master: both gateways are dual-tunnel (or the peer is an on-premises device, which connects
     * to both of this gateway's addresses). False on a single-tunnel connection, and on a
     * dual-tunnel one whose peer has one address: its slave has nobody to talk to.
     */
    standby: z.boolean(),
  }),
  'route-entry': z.strictObject({ destinationCidr: text, nextHopType: z.literal('VpnGateway'), name: text }),
  cen: z.strictObject({ name: text }),
  'cen-attachment': z.strictObject({ childInstanceType: z.literal('VPC'), childInstanceRegionId: text }),
  'cen-route-publish': z.strictObject({
    destinationCidr: text,
    childInstanceType: z.literal('VPC'),
    childInstanceRegionId: text,
  }),
  /** Enterprise Edition (transit-router-steps.ts): one router per region of the CEN's members. */
  'transit-router': z.strictObject({ name: text }),
  /** `zoneIds`: the zones of the vSwitches the attachment maps, first then second. */
  'tr-vpc-attachment': z.strictObject({ name: text, zoneIds: cidrList }),
  /** The route table of the transit router it is with: its system table (custom tables are not planned). */
  'tr-association': z.strictObject({ routeTable: z.literal('System') }),
  'tr-propagation': z.strictObject({ routeTable: z.literal('System') }),
  'tr-peer-attachment': z.strictObject({
    name: text,
    peerRegionId: text,
    bandwidth: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('test') }),
      z.strictObject({ type: z.literal('data-transfer'), mbps: z.number() }),
      z.strictObject({ type: z.literal('plan'), planId: text, mbps: z.number() }),
    ]),
  }),
  'tr-vpc-route': z.strictObject({ destinationCidr: text }),
  'tr-advertisement': z.strictObject({
    destinationCidr: text,
    childInstanceType: z.literal('VPC'),
    childInstanceRegionId: text,
  }),
  'security-group': z.strictObject({ name: text }),
  'security-group-rule': z.strictObject({
    ipProtocol: text,
    portRange: text,
    sourceCidrIp: text,
    policy: z.literal('accept'),
    priority: z.number(),
  }),
  /** A security group's ingress rules, all in one step (security-group-rules-driver.ts). */
  'security-group-rules': z.strictObject({
    rules: z
      .array(
        z.strictObject({
          ipProtocol: text,
          portRange: text,
          sourceCidrIp: text,
          policy: z.literal('accept'),
          priority: z.number(),
        }),
      )
      .readonly(),
    /**
     * The group is made by the same plan: it holds no rules of an earlier set, so the create adds
     * the rules without reading the group first (the cloud takes a rule it has as present).
     */
    inNewGroup: z.boolean().optional(),
  }),
  'ecs-instance': z.strictObject({
    name: text,
    instanceType: text,
    imageFamily: text,
    zoneId: text,
    /** The planned type this one stands in for: not in stock in the zone when the plan was made. */
    instead: text.optional(),
  }),
} satisfies Record<StepKind, z.ZodType>;

export const STEP_REFS = {
  vpc: z.strictObject({}),
  vswitch: z.strictObject({ vpcId: refSchema }),
  /** `drVswitchId`: the vSwitch of a dual-tunnel gateway's second tunnel (the same one in a single-zone region). */
  'vpn-gateway': z.strictObject({ vpcId: refSchema, vswitchId: refSchema, drVswitchId: refSchema }),
  'customer-gateway': z.strictObject({ ipAddress: refSchema.optional() }),
  /** `customerGatewayId` is the master tunnel's (a single-tunnel connection's only one); `slaveCustomerGatewayId` the slave's. */
  'ipsec-connection': z.strictObject({
    vpnGatewayId: refSchema,
    customerGatewayId: refSchema,
    slaveCustomerGatewayId: refSchema.optional(),
  }),
  'route-entry': z.strictObject({ routeTableId: refSchema, nextHopId: refSchema }),
  cen: z.strictObject({}),
  'cen-attachment': z.strictObject({ cenId: refSchema, childInstanceId: refSchema }),
  'cen-route-publish': z.strictObject({ cenId: refSchema, childInstanceId: refSchema, routeTableId: refSchema }),
  'transit-router': z.strictObject({ cenId: refSchema }),
  'tr-vpc-attachment': z.strictObject({
    cenId: refSchema,
    transitRouterId: refSchema,
    vpcId: refSchema,
    vswitchId: refSchema,
    /** Absent in a single-zone region. */
    secondVswitchId: refSchema.optional(),
  }),
  /** `routeTableId`: the transit router's system route table. */
  'tr-association': z.strictObject({ attachmentId: refSchema, routeTableId: refSchema }),
  'tr-propagation': z.strictObject({ attachmentId: refSchema, routeTableId: refSchema }),
  'tr-peer-attachment': z.strictObject({
    cenId: refSchema,
    transitRouterId: refSchema,
    peerTransitRouterId: refSchema,
  }),
  /** `routeTableId`: the VPC's. */
  'tr-vpc-route': z.strictObject({ cenId: refSchema, routeTableId: refSchema, attachmentId: refSchema }),
  'tr-advertisement': z.strictObject({ cenId: refSchema, childInstanceId: refSchema, routeTableId: refSchema }),
  'security-group': z.strictObject({ vpcId: refSchema }),
  'security-group-rule': z.strictObject({ securityGroupId: refSchema }),
  'security-group-rules': z.strictObject({ securityGroupId: refSchema }),
  'ecs-instance': z.strictObject({ vswitchId: refSchema, securityGroupId: refSchema }),
} satisfies Record<StepKind, z.ZodType>;

export type StepParams<K extends StepKind> = z.infer<(typeof STEP_PARAMS)[K]>;
export type StepRefs<K extends StepKind> = z.infer<(typeof STEP_REFS)[K]>;

/** A step's inputs once its references are resolved: its parameters, and each reference's value. */
export type StepInput<K extends StepKind> = K extends StepKind ? StepParams<K> & ResolvedRefs<StepRefs<K>> : never;
/** Each reference's value (a kind without references adds nothing). */
type ResolvedRefs<R> = string extends keyof R ? unknown : { readonly [N in keyof R]-?: string };

/**
 * Attributes read from a resource found in the cloud that vpnbot did not create, by kind: what the
 * planner matches a desired step against (the gateway, VPC or CEN it sits on, its selectors).
 */
export interface ObservedAttrsByKind {
  vpc: Record<never, never>;
  vswitch: Record<never, never>;
  /** `disasterRecoveryIp` non-empty: a dual-tunnel gateway; empty: one bought before the upgrade. */
  'vpn-gateway': { readonly internetIp?: string; readonly disasterRecoveryIp?: string };
  'customer-gateway': { readonly ipAddress?: string };
  'ipsec-connection': {
    readonly vpnGatewayId?: string;
    readonly localCidrs?: readonly string[];
    readonly remoteCidrs?: readonly string[];
  };
  'route-entry': { readonly vpcId?: string; readonly destinationCidr?: string; readonly nextHopId?: string };
  cen: Record<never, never>;
  'cen-attachment': { readonly cenId?: string; readonly childInstanceId?: string };
  'cen-route-publish': {
    readonly cenId?: string;
    readonly childInstanceId?: string;
    readonly destinationCidr?: string;
  };
  'transit-router': { readonly cenId?: string };
  'tr-vpc-attachment': { readonly cenId?: string; readonly vpcId?: string };
  'tr-association': { readonly attachmentId?: string; readonly routeTableId?: string };
  'tr-propagation': { readonly attachmentId?: string; readonly routeTableId?: string };
  'tr-peer-attachment': { readonly transitRouterIds?: readonly string[] };
  'tr-vpc-route': { readonly attachmentId?: string; readonly destinationCidr?: string };
  'tr-advertisement': {
    readonly cenId?: string;
    readonly childInstanceId?: string;
    readonly destinationCidr?: string;
  };
  'security-group': Record<never, never>;
  'security-group-rule': Record<never, never>;
  'security-group-rules': Record<never, never>;
  'ecs-instance': Record<never, never>;
}
export type ObservedAttrs<K extends StepKind> = ObservedAttrsByKind[K];
