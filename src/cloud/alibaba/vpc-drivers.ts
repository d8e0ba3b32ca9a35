/** VPCs, vSwitches and VPC route entries. */
import * as $Vpc from '@alicloud/vpc20160428';
import type { ResourceDriver } from '../cloud-api';
import { GONE, orGone, pending, ready, tagsOf, vpcTags, type DriverContext } from './driver-kit';

export function vpcDriver(ctx: DriverContext): ResourceDriver<'vpc'> {
  // DescribeVpcs, not DescribeVpcAttribute: only the list carries the route table id.
  const describe = (region: string, id: string) =>
    ctx.call('DescribeVpcs', () =>
      ctx.clients.vpc(region).describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: region, vpcId: id })),
    );
  return {
    kind: 'vpc',
    async create(input) {
      const r = await ctx.call('CreateVpc', () =>
        ctx.clients.vpc(input.region).createVpc(
          new $Vpc.CreateVpcRequest({
            regionId: input.region,
            cidrBlock: input.params.cidrBlock,
            vpcName: input.params.name,
            clientToken: input.clientToken,
            tag: vpcTags(input.tags).map((t) => new $Vpc.CreateVpcRequestTag(t)),
          }),
        ),
      );
      return r.body!.vpcId!;
    },
    read: (region, id) =>
      orGone(describe(region, id), (r) => {
        const b = r.body?.vpcs?.vpc?.[0];
        if (!b?.vpcId) return GONE;
        const outputs = { id, routeTableId: b.routerTableIds?.routerTableIds?.[0] ?? '' };
        return b.status === 'Available' ? ready(outputs) : pending(`VPC is ${b.status}`, false, outputs);
      }),
    // Secondary CIDR blocks can only be added to an Available VPC, one at a time.
    async converge(region, id, input) {
      // Without secondary blocks there is nothing to converge: no read after the one that found it ready.
      if (input.params.secondaryCidrBlocks.length === 0) return undefined;
      const b = (await describe(region, id)).body?.vpcs?.vpc?.[0];
      const have = b?.secondaryCidrBlocks?.secondaryCidrBlock ?? [];
      const missing = input.params.secondaryCidrBlocks.find((c) => !have.includes(c));
      if (missing === undefined) return undefined;
      await ctx.call('AssociateVpcCidrBlock', () =>
        ctx.clients
          .vpc(region)
          .associateVpcCidrBlock(
            new $Vpc.AssociateVpcCidrBlockRequest({ regionId: region, vpcId: id, secondaryCidrBlock: missing }),
          ),
      );
      return `added secondary CIDR ${missing}`;
    },
    async find(input) {
      const r = await ctx.call('DescribeVpcs', () =>
        ctx.clients.vpc(input.region).describeVpcs(
          new $Vpc.DescribeVpcsRequest({
            regionId: input.region,
            pageSize: 50,
            tag: vpcTags(input.tags).map((t) => new $Vpc.DescribeVpcsRequestTag(t)),
          }),
        ),
      );
      return r.body?.vpcs?.vpc?.[0]?.vpcId;
    },
    async listTagged(region, tags) {
      const r = await ctx.call('DescribeVpcs', () =>
        ctx.clients.vpc(region).describeVpcs(
          new $Vpc.DescribeVpcsRequest({
            regionId: region,
            pageSize: 50,
            tag: vpcTags(tags).map((t) => new $Vpc.DescribeVpcsRequestTag(t)),
          }),
        ),
      );
      return (r.body?.vpcs?.vpc ?? []).map((x) => ({ kind: 'vpc' as const, id: x.vpcId!, region, tags: tagsOf(x) }));
    },
    async delete(region, id) {
      await ctx.call('DeleteVpc', () =>
        ctx.clients.vpc(region).deleteVpc(new $Vpc.DeleteVpcRequest({ regionId: region, vpcId: id })),
      );
    },
  };
}

export function vswitchDriver(ctx: DriverContext): ResourceDriver<'vswitch'> {
  const list = (region: string, q: Partial<$Vpc.DescribeVSwitchesRequest>) =>
    ctx.call('DescribeVSwitches', () =>
      ctx.clients
        .vpc(region)
        .describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: region, pageSize: 50, ...q })),
    );
  return {
    kind: 'vswitch',
    async create(input) {
      const r = await ctx.call('CreateVSwitch', () =>
        ctx.clients.vpc(input.region).createVSwitch(
          new $Vpc.CreateVSwitchRequest({
            regionId: input.region,
            vpcId: input.params.vpcId,
            zoneId: input.params.zoneId,
            cidrBlock: input.params.cidrBlock,
            vSwitchName: input.params.name,
            clientToken: input.clientToken,
            tag: vpcTags(input.tags).map((t) => new $Vpc.CreateVSwitchRequestTag(t)),
          }),
        ),
      );
      return r.body!.vSwitchId!;
    },
    read: (region, id) =>
      orGone(list(region, { vSwitchId: id }), (r) => {
        const s = r.body?.vSwitches?.vSwitch?.[0];
        if (!s) return GONE;
        return s.status === 'Available' ? ready({ id }) : pending(`vSwitch is ${s.status}`);
      }),
    async find(input) {
      const r = await list(input.region, {
        vpcId: input.params.vpcId,
        tag: vpcTags(input.tags).map((t) => new $Vpc.DescribeVSwitchesRequestTag(t)),
      });
      return r.body?.vSwitches?.vSwitch?.[0]?.vSwitchId;
    },
    async listTagged(region, tags) {
      const r = await list(region, { tag: vpcTags(tags).map((t) => new $Vpc.DescribeVSwitchesRequestTag(t)) });
      return (r.body?.vSwitches?.vSwitch ?? []).map((x) => ({
        kind: 'vswitch' as const,
        id: x.vSwitchId!,
        region,
        tags: tagsOf(x),
      }));
    },
    async delete(region, id) {
      await ctx.call('DeleteVSwitch', () =>
        ctx.clients.vpc(region).deleteVSwitch(new $Vpc.DeleteVSwitchRequest({ regionId: region, vSwitchId: id })),
      );
    },
  };
}

/** Route entries take no tags: vpnbot writes its marker into the description. Id: `routeTableId/routeEntryId`. */
export function routeEntryDriver(ctx: DriverContext): ResourceDriver<'route-entry'> {
  const list = (region: string, routeTableId: string, q: Partial<$Vpc.DescribeRouteEntryListRequest> = {}) =>
    ctx.call('DescribeRouteEntryList', () =>
      ctx.clients.vpc(region).describeRouteEntryList(
        new $Vpc.DescribeRouteEntryListRequest({
          regionId: region,
          routeTableId,
          routeEntryType: 'Custom',
          maxResult: 100,
          ...q,
        }),
      ),
    );
  const split = (id: string) => id.split('/') as [string, string];
  const byDestination = async (region: string, routeTableId: string, destination: string) =>
    (await list(region, routeTableId, { destinationCidrBlock: destination })).body?.routeEntrys?.routeEntry ?? [];
  return {
    kind: 'route-entry',
    async create(input) {
      const routeTableId = input.params.routeTableId;
      const r = await ctx.call('CreateRouteEntry', () =>
        ctx.clients.vpc(input.region).createRouteEntry(
          new $Vpc.CreateRouteEntryRequest({
            regionId: input.region,
            routeTableId,
            destinationCidrBlock: input.params.destinationCidr,
            nextHopType: input.params.nextHopType,
            nextHopId: input.params.nextHopId,
            routeEntryName: input.params.name,
            description: input.marker,
            clientToken: input.clientToken,
          }),
        ),
      );
      return `${routeTableId}/${r.body!.routeEntryId!}`;
    },
    read: (region, id) => {
      const [routeTableId, entryId] = split(id);
      return orGone(list(region, routeTableId, { routeEntryId: entryId }), (r) => {
        const e = r.body?.routeEntrys?.routeEntry?.[0];
        if (!e) return GONE;
        return e.status === 'Available' ? ready({ id }) : pending(`route entry is ${e.status}`);
      });
    },
    async find(input) {
      const routeTableId = input.params.routeTableId;
      const e = (await byDestination(input.region, routeTableId, input.params.destinationCidr)).find(
        (x) => x.description === input.marker,
      );
      return e ? `${routeTableId}/${e.routeEntryId}` : undefined;
    },
    async findExternal(input) {
      const routeTableId = input.params.routeTableId;
      const e = (await byDestination(input.region, routeTableId, input.params.destinationCidr)).find(
        (x) => x.nextHops?.nextHop?.[0]?.nextHopId === input.params.nextHopId,
      );
      return e
        ? {
            id: `${routeTableId}/${e.routeEntryId}`,
            attrs: { destinationCidr: e.destinationCidrBlock, nextHopId: input.params.nextHopId },
          }
        : undefined;
    },
    async delete(region, id) {
      const [, entryId] = split(id);
      await ctx.call('DeleteRouteEntry', () =>
        ctx.clients
          .vpc(region)
          .deleteRouteEntry(new $Vpc.DeleteRouteEntryRequest({ regionId: region, routeEntryId: entryId })),
      );
    },
  };
}
