/**
 * Lookups and one-change-at-a-time rules shared by the VPC product's action families (VPCs and
 * their route tables; VPN gateways and their connections).
 */
import { parseCidr } from '../../topology/cidr';
import { ApiError, notFound } from '../server/api-error';
import type { ActionContext } from '../server/api-kit';
import type { VpcR, VpnConnectionR, VpnGatewayR, World } from '../state/world';

export function vpcOf(w: World, id: string): VpcR {
  const v = w.vpcs.get(id);
  if (!v || v.deletingUntil !== undefined) throw notFound('InvalidVpcId.NotFound', `VPC ${id}`);
  return v;
}

export function gatewayOf(w: World, id: string): VpnGatewayR {
  const g = w.vpnGateways.get(id);
  if (!g) throw notFound('InvalidVpnGatewayInstanceId.NotFound', `VPN gateway ${id}`);
  return g;
}

export function connectionOf(w: World, id: string): VpnConnectionR {
  const c = w.vpnConnections.get(id);
  if (!c) throw notFound('InvalidVpnConnectionInstanceId.NotFound', `IPsec connection ${id}`);
  return c;
}

/** One change at a time per VPC route table (vSwitches and route entries): the real service says TaskConflict. */
export function lockVpc(w: World, vpc: VpcR, realMs: number): void {
  if (w.status(vpc, 'Deleting') !== 'Available') throw new ApiError('IncorrectVpcStatus', `The VPC ${vpc.id} is not in a valid state for the operation.`, 400);
  if (w.now() < vpc.busyUntil) throw new ApiError('TaskConflict', `A task on the route table of ${vpc.id} is still in progress; try again later.`, 400);
  vpc.busyUntil = w.now() + w.clock.delay(realMs);
}

export function gatewayStatus(w: World, g: VpnGatewayR): string {
  if (g.deletingUntil !== undefined) return 'deleting';
  const base = w.status(g, 'deleting');
  return base === 'active' && w.now() < g.busyUntil ? 'updating' : base;
}

/** One change at a time per VPN gateway: anything but `active` answers VpnGateway.Configuring. */
export function lockGateway(w: World, g: VpnGatewayR, realMs: number): void {
  const status = gatewayStatus(w, g);
  if (status !== 'active') throw new ApiError('VpnGateway.Configuring', `The VPN gateway ${g.id} is ${status}; only one configuration change runs at a time.`, 400);
  g.busyUntil = w.now() + w.clock.delay(realMs);
}

/** A comma-separated list of CIDR blocks (IPsec selectors): at most five, each valid. */
export function subnets(ctx: ActionContext, name: string): string[] {
  const list = ctx.params.req(name).split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of list) if (!parseCidr(s).ok) throw new ApiError(`Invalid${name}`, `The specified ${name} "${s}" is not a valid CIDR block.`, 400);
  if (list.length > 5) throw new ApiError(`Invalid${name}.TooMany`, `At most 5 CIDR blocks in ${name}.`, 400);
  return list;
}
