/**
 * Lookups and one-change-at-a-time rules shared by the VPC product's action families (VPCs and
 * their route tables; VPN gateways and their connections).
 */
import { parseCidr } from '../../topology/cidr';
import { ApiError, notFound } from '../api/api-error';
import type { ActionContext } from '../api/api-kit';
import { VPN_ERRORS } from './vpn-capabilities';
import type { VpcR, VpnConnectionR, VpnGatewayR, World } from '../state/world';

export function vpcOf(world: World, id: string): VpcR {
  const v = world.vpcs.get(id);
  if (!v || v.deletingUntil !== undefined) throw notFound('InvalidVpcId.NotFound', `VPC ${id}`);
  return v;
}

export function gatewayOf(world: World, id: string): VpnGatewayR {
  const g = world.vpnGateways.get(id);
  if (!g) throw notFound('InvalidVpnGatewayInstanceId.NotFound', `VPN gateway ${id}`);
  return g;
}

export function connectionOf(world: World, id: string): VpnConnectionR {
  const c = world.vpnConnections.get(id);
  if (!c) throw notFound('InvalidVpnConnectionInstanceId.NotFound', `IPsec connection ${id}`);
  return c;
}

/** One change at a time per VPC route table (vSwitches and route entries): the real service says TaskConflict. */
export function lockVpc(world: World, vpc: VpcR, realMs: number): void {
  if (world.status(vpc, 'Deleting') !== 'Available')
    throw new ApiError('IncorrectVpcStatus', `The VPC ${vpc.id} is not in a valid state for the operation.`, 400);
  if (world.now() < vpc.busyUntil)
    throw new ApiError(
      'TaskConflict',
      `A task on the route table of ${vpc.id} is still in progress; try again later.`,
      400,
    );
  vpc.busyUntil = world.now() + world.clock.delay(realMs);
}

export function gatewayStatus(world: World, gateway: VpnGatewayR): string {
  if (gateway.deletingUntil !== undefined) return 'deleting';
  const base = world.status(gateway, 'deleting');
  return base === 'active' && world.now() < gateway.busyUntil ? 'updating' : base;
}

/** One change at a time per VPN gateway: anything but `active` answers VpnGateway.Configuring. */
export function lockGateway(world: World, vpnGateway: VpnGatewayR, realMs: number): void {
  // An overdue account changes nothing on its gateways.
  if (vpnGateway.businessStatus === 'FinancialLocked') throw VPN_ERRORS.financialLocked(vpnGateway.id);
  const status = gatewayStatus(world, vpnGateway);
  if (status !== 'active')
    throw new ApiError(
      'VpnGateway.Configuring',
      `The VPN gateway ${vpnGateway.id} is ${status}; only one configuration change runs at a time.`,
      400,
    );
  vpnGateway.busyUntil = world.now() + world.clock.delay(realMs);
}

/** A comma-separated list of CIDR blocks (IPsec selectors): at most five, each valid. */
export function subnets(ctx: ActionContext, name: string): string[] {
  const list = ctx.params
    .req(name)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of list)
    if (!parseCidr(s).ok)
      throw new ApiError(`Invalid${name}`, `The specified ${name} "${s}" is not a valid CIDR block.`, 400);
  if (list.length > 5) throw new ApiError(`Invalid${name}.TooMany`, `At most 5 CIDR blocks in ${name}.`, 400);
  return list;
}
