/** VPN pieces built through the official SDK clients, for the tests of today's dual-tunnel IPsec-VPN. */
import { $Vpc, type sdkClients, until } from './alibaba-sdk';

export type Clients = ReturnType<typeof sdkClients>;

/** The seed's regions, each with two zones that sell VPN gateways, and a block for a VPC. */
export const REGIONS = [
  { region: 'cn-hongkong', zones: ['cn-hongkong-b', 'cn-hongkong-c'], cidr: '192.168.0.0/16' },
  { region: 'ap-northeast-1', zones: ['ap-northeast-1a', 'ap-northeast-1b'], cidr: '172.16.0.0/12' },
  { region: 'us-west-1', zones: ['us-west-1a', 'us-west-1b'], cidr: '10.0.0.0/8' },
] as const;

/** A VPC with a vSwitch in each of `zones` (the n-th /24 of the VPC's block). */
export async function vpcWithVswitches(c: Clients, region: string, cidr: string, zones: readonly string[]) {
  const vpcId = (await c.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: region, cidrBlock: cidr }))).body!.vpcId!;
  await until(
    'VPC',
    async () =>
      (await c.vpc.describeVpcAttribute(new $Vpc.DescribeVpcAttributeRequest({ regionId: region, vpcId }))).body!
        .status === 'Available',
  );
  const [a, b] = cidr.split('.');
  const vswitches: string[] = [];
  for (const [i, zoneId] of zones.entries()) {
    const id = (
      await c.vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({ regionId: region, vpcId, zoneId, cidrBlock: `${a}.${b}.${i}.0/24` }),
      )
    ).body!.vSwitchId!;
    await until(
      'vSwitch',
      async () =>
        (await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: region, vSwitchId: id }))).body!
          .vSwitches!.vSwitch![0]!.status === 'Available',
    );
    vswitches.push(id);
  }
  return { vpcId, vswitches };
}

export const gatewayRequest = (region: string, vpcId: string, extra: Partial<$Vpc.CreateVpnGatewayRequest>) =>
  new $Vpc.CreateVpnGatewayRequest({
    regionId: region,
    vpcId,
    bandwidth: 10,
    instanceChargeType: 'POSTPAY',
    autoPay: true,
    ...extra,
  });

export async function activeGateway(c: Clients, region: string, id: string) {
  return until('gateway active', async () => {
    const g = (
      await c.vpc.describeVpnGateway(new $Vpc.DescribeVpnGatewayRequest({ regionId: region, vpnGatewayId: id }))
    ).body!;
    return g.status === 'active' ? g : undefined;
  });
}
