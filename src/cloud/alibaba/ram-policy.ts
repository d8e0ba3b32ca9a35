/**
 * The RAM policies vpnbot needs, built from one table: every action the drivers call, how far
 * Alibaba RAM lets it be scoped, and for which job (provisioning, or measuring with Cloud
 * Assistant). deploy/ram-policy*.json are this module's output for every region; `vpnbot
 * ram-policy --regions ...` writes them for the regions a deployment uses. A test holds the table
 * to the drivers' calls (a new action fails it until it is here) and each condition to a tag the
 * drivers write at creation.
 *
 * How an action is scoped, from narrowest:
 * - `owned`: acts on a resource vpnbot created, which carries its `vpnbot:topology` tag
 *   (`acs:ResourceTag`): deletes, firewall changes, RunCommand.
 * - `create`: makes a resource of one type in the allowed regions; when the API takes tags at
 *   creation, the request must carry vpnbot's (`acs:RequestTag`), which is what later makes it
 *   `owned`.
 * - `region`: acts on a resource that may not be vpnbot's (an adopted VPC's route table, an adopted
 *   CEN) or takes no tags: the resource type in the allowed regions, nothing finer.
 * - `read`: Describe/List calls; RAM does not filter what they list, so they are granted on `*`.
 *
 * UNVERIFIED (public documentation does not settle these; kept here, easy to change): that
 * `acs:ResourceTag/<key>` and `acs:RequestTag/<key>` accept StringLike "*" to mean "the tag is
 * present" for every action below; that RunCommand authorizes the instance and a `command/*`
 * resource separately (so the tag condition goes on the instance statement only); the resource
 * types RunInstances authorizes besides the instance; the ARN resource-type names (`vpngateway`,
 * `customergateway`, `vpnconnection`, `routetable`); and that CEN ARNs carry no region.
 */
import { TAG_TOPOLOGY } from '../../planner/observed';

export type PolicyJob = 'provision' | 'measure';
/** RAM's service prefixes; `sts`, `bss` and `quotas` are the preflight's (UNVERIFIED: bss's and quotas' action names in RAM). */
type Product = 'vpc' | 'ecs' | 'cen' | 'sts' | 'bss' | 'quotas';

export type ActionScope =
  | { readonly kind: 'read' }
  | { readonly kind: 'create'; readonly types: readonly string[]; readonly taggedAtCreation: boolean }
  | { readonly kind: 'owned'; readonly types: readonly string[] }
  | { readonly kind: 'region'; readonly types: readonly string[] };

export interface PolicyEntry {
  readonly product: Product;
  readonly action: string;
  readonly jobs: readonly PolicyJob[];
  /** Several scopes: one statement each (RunCommand: the instance, owned; the command, by region). */
  readonly scopes: readonly ActionScope[];
  /** Why it is no narrower, for the ones that stay broad (the docs list these). */
  readonly why?: string;
}

const read: ActionScope = { kind: 'read' };
const owned = (...types: string[]): ActionScope => ({ kind: 'owned', types });
const region = (...types: string[]): ActionScope => ({ kind: 'region', types });
const create = (type: string, taggedAtCreation: boolean, ...more: string[]): ActionScope => ({
  kind: 'create',
  types: [type, ...more],
  taggedAtCreation,
});
const P: readonly PolicyJob[] = ['provision'];
const M: readonly PolicyJob[] = ['measure'];

/** Every action vpnbot calls, and how it is granted. */
export const RAM_POLICY_TABLE: readonly PolicyEntry[] = [
  // VPC: networks, vSwitches, routes.
  { product: 'vpc', action: 'CreateVpc', jobs: P, scopes: [create('vpc', true)] },
  { product: 'vpc', action: 'AssociateVpcCidrBlock', jobs: P, scopes: [owned('vpc')] },
  { product: 'vpc', action: 'DeleteVpc', jobs: P, scopes: [owned('vpc')] },
  { product: 'vpc', action: 'DescribeVpcs', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'CreateVSwitch', jobs: P, scopes: [create('vswitch', true)] },
  { product: 'vpc', action: 'DeleteVSwitch', jobs: P, scopes: [owned('vswitch')] },
  { product: 'vpc', action: 'DescribeVSwitches', jobs: P, scopes: [read] },
  {
    product: 'vpc',
    action: 'CreateRouteEntry',
    jobs: P,
    scopes: [region('routetable')],
    why: 'route tables take no tags from vpnbot, and an adopted VPC route table is not its own',
  },
  {
    product: 'vpc',
    action: 'DeleteRouteEntry',
    jobs: P,
    scopes: [region('routetable')],
    why: 'route entries and route tables take no tags: vpnbot finds its own by their description',
  },
  { product: 'vpc', action: 'DescribeRouteEntryList', jobs: P, scopes: [read] },
  // VPN: gateways, customer gateways, IPsec connections.
  {
    product: 'vpc',
    action: 'CreateVpnGateway',
    jobs: P,
    scopes: [create('vpngateway', false)],
    why: 'CreateVpnGateway takes no tags: the gateway is tagged right after, with TagResources',
  },
  {
    product: 'vpc',
    action: 'TagResources',
    jobs: P,
    scopes: [{ kind: 'create', types: ['vpngateway'], taggedAtCreation: true }],
    why: "the only way to tag a VPN gateway; it can put vpnbot's tag on any gateway in the allowed regions",
  },
  { product: 'vpc', action: 'DeleteVpnGateway', jobs: P, scopes: [owned('vpngateway')] },
  { product: 'vpc', action: 'DescribeVpnGateway', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'DescribeVpnGateways', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'DescribeVpnGatewayAvailableZones', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'CreateCustomerGateway', jobs: P, scopes: [create('customergateway', true)] },
  { product: 'vpc', action: 'DeleteCustomerGateway', jobs: P, scopes: [owned('customergateway')] },
  { product: 'vpc', action: 'DescribeCustomerGateway', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'DescribeCustomerGateways', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'CreateVpnConnection', jobs: P, scopes: [create('vpnconnection', true)] },
  { product: 'vpc', action: 'DeleteVpnConnection', jobs: P, scopes: [owned('vpnconnection')] },
  { product: 'vpc', action: 'DescribeVpnConnection', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'DescribeVpnConnections', jobs: P, scopes: [read] },
  { product: 'vpc', action: 'DescribeVpnConnectionLogs', jobs: P, scopes: [read] },
  {
    product: 'vpc',
    action: 'DownloadVpnConnectionConfig',
    jobs: P,
    // Not a plain read: its answer holds the keys, so it is held to connections in the allowed
    // regions rather than granted on every resource like Describe calls.
    scopes: [region('vpnconnection')],
    why: "the peer's configuration, keys included, of connections it may not have made (an adopted site's)",
  },
  {
    product: 'vpc',
    action: 'ModifyVpnConnectionAttribute',
    jobs: P,
    scopes: [owned('vpnconnection')],
    why: 'key rotation changes the pre-shared key of a connection vpnbot made',
  },
  // ECS: the probes, their security groups and Cloud Assistant.
  { product: 'ecs', action: 'DescribeZones', jobs: P, scopes: [read] },
  { product: 'ecs', action: 'CreateSecurityGroup', jobs: P, scopes: [create('securitygroup', true)] },
  { product: 'ecs', action: 'AuthorizeSecurityGroup', jobs: P, scopes: [owned('securitygroup')] },
  { product: 'ecs', action: 'RevokeSecurityGroup', jobs: P, scopes: [owned('securitygroup')] },
  { product: 'ecs', action: 'DeleteSecurityGroup', jobs: P, scopes: [owned('securitygroup')] },
  { product: 'ecs', action: 'DescribeSecurityGroups', jobs: P, scopes: [read] },
  { product: 'ecs', action: 'DescribeSecurityGroupAttribute', jobs: P, scopes: [read] },
  {
    product: 'ecs',
    action: 'RunInstances',
    jobs: P,
    // The instance is tagged at creation; the image, vSwitch and security group it uses are authorized too.
    scopes: [create('instance', true), region('disk', 'image', 'securitygroup', 'vswitch')],
    why: 'launching an instance also authorizes the image, disk, vSwitch and security group it uses',
  },
  { product: 'ecs', action: 'DeleteInstance', jobs: P, scopes: [owned('instance')] },
  { product: 'ecs', action: 'DescribeInstances', jobs: P, scopes: [read] },
  { product: 'ecs', action: 'DescribeCloudAssistantStatus', jobs: [...P, ...M], scopes: [read] },
  {
    product: 'ecs',
    action: 'RunCommand',
    jobs: M,
    scopes: [owned('instance'), region('command')],
    why: 'the command RunCommand creates is a new resource with no tags: granted by region',
  },
  { product: 'ecs', action: 'DescribeInvocationResults', jobs: M, scopes: [read] },
  { product: 'ecs', action: 'StopInvocation', jobs: M, scopes: [owned('instance')] },
  // CEN (global).
  { product: 'cen', action: 'CreateCen', jobs: P, scopes: [create('cen', true)] },
  { product: 'cen', action: 'DeleteCen', jobs: P, scopes: [owned('cen')] },
  { product: 'cen', action: 'DescribeCens', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'AttachCenChildInstance',
    jobs: P,
    scopes: [region('cen')],
    why: 'the CEN may be one the topology adopts (existing: cen), which carries no vpnbot tag',
  },
  {
    product: 'cen',
    action: 'DetachCenChildInstance',
    jobs: P,
    scopes: [region('cen')],
    why: 'the CEN may be one the topology adopts, which carries no vpnbot tag',
  },
  { product: 'cen', action: 'DescribeCenAttachedChildInstanceAttribute', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'PublishRouteEntries',
    jobs: P,
    scopes: [region('cen')],
    why: 'the CEN may be one the topology adopts, which carries no vpnbot tag',
  },
  {
    product: 'cen',
    action: 'WithdrawPublishedRouteEntries',
    jobs: P,
    scopes: [region('cen')],
    why: 'the CEN may be one the topology adopts, which carries no vpnbot tag',
  },
  { product: 'cen', action: 'DescribePublishedRouteEntries', jobs: P, scopes: [read] },
  // CEN Enterprise Edition: transit routers, their connections, route tables and the routes back.
  { product: 'cen', action: 'CreateTransitRouter', jobs: P, scopes: [create('transitrouter', true)] },
  { product: 'cen', action: 'DeleteTransitRouter', jobs: P, scopes: [owned('transitrouter')] },
  { product: 'cen', action: 'ListTransitRouters', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'CreateTransitRouterVpcAttachment',
    jobs: P,
    scopes: [create('transitrouterattachment', true)],
  },
  { product: 'cen', action: 'DeleteTransitRouterVpcAttachment', jobs: P, scopes: [owned('transitrouterattachment')] },
  { product: 'cen', action: 'ListTransitRouterVpcAttachments', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'CreateTransitRouterPeerAttachment',
    jobs: P,
    scopes: [create('transitrouterattachment', true)],
  },
  { product: 'cen', action: 'DeleteTransitRouterPeerAttachment', jobs: P, scopes: [owned('transitrouterattachment')] },
  { product: 'cen', action: 'ListTransitRouterPeerAttachments', jobs: P, scopes: [read] },
  { product: 'cen', action: 'ListTransitRouterRouteTables', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'AssociateTransitRouterAttachmentWithRouteTable',
    jobs: P,
    scopes: [region('transitrouterroutetable')],
    why: "a transit router's system route table is made with the router and takes no tags from vpnbot",
  },
  {
    product: 'cen',
    action: 'DissociateTransitRouterAttachmentFromRouteTable',
    jobs: P,
    scopes: [region('transitrouterroutetable')],
    why: "a transit router's system route table is made with the router and takes no tags from vpnbot",
  },
  { product: 'cen', action: 'ListTransitRouterRouteTableAssociations', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'EnableTransitRouterRouteTablePropagation',
    jobs: P,
    scopes: [region('transitrouterroutetable')],
    why: "a transit router's system route table is made with the router and takes no tags from vpnbot",
  },
  {
    product: 'cen',
    action: 'DisableTransitRouterRouteTablePropagation',
    jobs: P,
    scopes: [region('transitrouterroutetable')],
    why: "a transit router's system route table is made with the router and takes no tags from vpnbot",
  },
  { product: 'cen', action: 'ListTransitRouterRouteTablePropagations', jobs: P, scopes: [read] },
  {
    product: 'cen',
    action: 'CreateCenChildInstanceRouteEntryToAttachment',
    jobs: P,
    scopes: [region('routetable')],
    why: "a VPC's route table takes no tags from vpnbot, and an adopted VPC's is not its own",
  },
  {
    product: 'cen',
    action: 'DeleteCenChildInstanceRouteEntryToAttachment',
    jobs: P,
    scopes: [region('routetable')],
    why: "a VPC's route table takes no tags from vpnbot, and an adopted VPC's is not its own",
  },
  { product: 'cen', action: 'ListCenChildInstanceRouteEntriesToAttachment', jobs: P, scopes: [read] },
  // The preflight (`vpnbot doctor`, and every plan): reads and dry runs only.
  { product: 'ecs', action: 'DescribeAvailableResource', jobs: P, scopes: [read] },
  { product: 'cen', action: 'ListTransitRouterAvailableResource', jobs: P, scopes: [read] },
  {
    product: 'sts',
    action: 'GetCallerIdentity',
    jobs: P,
    scopes: [read],
    why: 'needs no grant (any caller may ask who it is); listed so the policy names every call',
  },
  { product: 'bss', action: 'QueryAccountBalance', jobs: P, scopes: [read] },
  { product: 'quotas', action: 'GetProductQuota', jobs: P, scopes: [read] },
];

/** A statement as RAM reads it (its grammar has no Sid: Effect, Action, Resource, Condition). */
export interface RamStatement {
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface RamPolicy {
  readonly Version: '1';
  readonly Statement: readonly RamStatement[];
}

export interface PolicyOptions {
  /** Region ids the deployment uses; `*` (every region) when none are given. */
  readonly regions?: readonly string[];
  /** The account id; `*` (the account the credentials belong to) when not given. */
  readonly account?: string;
}

/** The tag whose presence marks a resource as vpnbot's: on every resource it creates that takes tags. */
export const OWNER_TAG = TAG_TOPOLOGY;
const present = (key: 'acs:ResourceTag' | 'acs:RequestTag') => ({ StringLike: { [`${key}/${OWNER_TAG}`]: '*' } });

/** One job's policy: one statement per scope, actions grouped, ARNs per region, sorted for stable output. */
export function ramPolicy(job: PolicyJob, options: PolicyOptions = {}): RamPolicy {
  const regions = options.regions && options.regions.length > 0 ? options.regions : ['*'];
  const account = options.account ?? '*';
  const arns = (product: Product, types: readonly string[]) =>
    // CEN is global: its ARNs name no region.
    (product === 'cen' ? ['*'] : regions).flatMap((r) => types.map((t) => `acs:${product}:${r}:${account}:${t}/*`));
  const groups = new Map<string, { scope: ActionScope; product: Product; actions: string[] }>();
  for (const entry of RAM_POLICY_TABLE.filter((e) => e.jobs.includes(job))) {
    for (const scope of entry.scopes) {
      const key = `${scope.kind}|${scope.kind === 'read' ? '' : entry.product}|${'types' in scope ? scope.types.join(',') : ''}|${scope.kind === 'create' ? scope.taggedAtCreation : ''}`;
      const g = groups.get(key) ?? { scope, product: entry.product, actions: [] };
      g.actions.push(`${entry.product}:${entry.action}`);
      groups.set(key, g);
    }
  }
  const order = { owned: 0, create: 1, region: 2, read: 3 } as const;
  const statements = [...groups.values()]
    .sort(
      (a, b) =>
        order[a.scope.kind] - order[b.scope.kind] ||
        a.product.localeCompare(b.product) ||
        a.actions[0]!.localeCompare(b.actions[0]!),
    )
    .map(({ scope, product, actions }): RamStatement => {
      const Action = [...actions].sort();
      if (scope.kind === 'read') return { Effect: 'Allow', Action, Resource: '*' };
      const Resource = arns(product, scope.types);
      if (scope.kind === 'owned') return { Effect: 'Allow', Action, Resource, Condition: present('acs:ResourceTag') };
      if (scope.kind === 'create' && scope.taggedAtCreation)
        return { Effect: 'Allow', Action, Resource, Condition: present('acs:RequestTag') };
      return { Effect: 'Allow', Action, Resource };
    });
  return { Version: '1', Statement: statements };
}

/** The policy as deploy/ files hold it: two-space JSON and a final newline. */
export const policyJson = (policy: RamPolicy) => `${JSON.stringify(policy, null, 2)}\n`;
