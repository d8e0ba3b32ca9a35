/**
 * The ping matrix on the inter-region test bandwidth: probes spread over three regions whose VPCs
 * are joined by transit routers and inter-region connections without allocated bandwidth (made
 * through vpnbot's own drivers against the emulator), so every pair across regions is paced (one
 * ping a second, one pair at a time per connection). Its wall time for 3 and 30 probes, measured
 * through the real SDK (RunCommand rounds, polling), and whether every pair got through.
 */
import { createAlibabaCloud } from '../cloud/alibaba/alibaba-cloud';
import type { CloudApi, ResourceDriver } from '../cloud/cloud-api';
import { startEmulator } from '../emulator/server/start-emulator';
import { realPacing } from '../engine/retry-policy';
import type { StepKind } from '../planner/plan';
import { RULE_SET_PRIORITY } from '../planner/desired-steps';
import type { StepInput } from '../planner/step-params';
import { DEFAULT_PING } from '../probe/matrix-script';
import { measureMatrix, type Probe } from '../probe/measure-matrix';

export interface PacedMatrixBenchResult {
  readonly probes: number;
  readonly cells: number;
  readonly pacedCells: number;
  readonly wallMs: number;
  readonly apiCalls: number;
  readonly allReceived: boolean;
}

const REGIONS = [
  { id: 'cn-hongkong', zones: ['cn-hongkong-b', 'cn-hongkong-c'], cidr: '192.168.0.0/16', net: '192.168' },
  { id: 'ap-northeast-1', zones: ['ap-northeast-1a', 'ap-northeast-1b'], cidr: '172.16.0.0/12', net: '172.16' },
  { id: 'us-west-1', zones: ['us-west-1a', 'us-west-1b'], cidr: '10.0.0.0/8', net: '10.0' },
] as const;

export async function benchPacedMatrix(
  sizes: readonly number[] = [3, 30],
  scale = 0.1,
): Promise<PacedMatrixBenchResult[]> {
  const emu = await startEmulator({ timeScale: scale });
  try {
    const cloud = createAlibabaCloud({
      sandbox: true,
      endpoint: emu.endpoint,
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    });
    const pacing = realPacing(scale);
    const sleep = () => pacing.sleep(500 * scale);
    let token = 0;
    /** Creates through the driver and waits until it reads ready; its outputs. */
    const make = async <K extends StepKind>(
      kind: K,
      region: string,
      params: StepInput<K>,
    ): Promise<Readonly<Record<string, string>>> => {
      const driver = cloud.drivers[kind] as unknown as ResourceDriver<K>;
      const input = {
        region,
        params,
        tags: { 'vpnbot:topology': 'bench' },
        // As vpnbot marks what it makes (a rule set finds its own rules by it).
        marker: `vpnbot:bench:${kind}:${region}`,
        clientToken: `b-${++token}`,
      };
      // The cloud answers "busy" (one change at a time per router, per route table) now and then: try again.
      let id: string | undefined;
      for (let attempt = 1; id === undefined; attempt++) {
        try {
          id = await driver.create(input);
        } catch (e) {
          if (attempt >= 50 || (e as { category?: string }).category !== 'retryable') throw e;
          await sleep();
        }
      }
      for (;;) {
        const o = await driver.read(region, id);
        if (o.state === 'ready') return { ...o.outputs, id };
        await sleep();
      }
    };
    const cen = (await make('cen', REGIONS[0].id, { name: 'bench' })).id!;
    const sites = [];
    for (const r of REGIONS) {
      const vpc = await make('vpc', r.id, { name: `bench-${r.id}`, cidrBlock: r.cidr, secondaryCidrBlocks: [] });
      const vswitch = (i: number) =>
        make('vswitch', r.id, {
          name: `bench-${r.id}-${i}`,
          cidrBlock: `${r.net}.${i}.0/24`,
          zoneId: r.zones[i]!,
          vpcId: vpc.id!,
        });
      const [first, second] = [await vswitch(0), await vswitch(1)];
      const router = await make('transit-router', r.id, { name: `bench-${r.id}`, cenId: cen });
      const attachment = await make('tr-vpc-attachment', r.id, {
        name: `bench-${r.id}`,
        zoneIds: [...r.zones],
        cenId: cen,
        transitRouterId: router.id!,
        vpcId: vpc.id!,
        vswitchId: first.id!,
        secondVswitchId: second.id!,
      });
      const link = { routeTable: 'System' as const, attachmentId: attachment.id!, routeTableId: router.routeTableId! };
      await make('tr-association', r.id, link);
      await make('tr-propagation', r.id, link);
      for (const other of REGIONS.filter((x) => x.id !== r.id))
        await make('tr-vpc-route', r.id, {
          destinationCidr: other.cidr,
          cenId: cen,
          routeTableId: vpc.routeTableId!,
          attachmentId: attachment.id!,
        });
      const sg = await make('security-group', r.id, { name: `bench-${r.id}`, vpcId: vpc.id! });
      // ICMP from every region, its own included (probes in one VPC ping each other too).
      await make('security-group-rules', r.id, {
        rules: REGIONS.map((other) => ({
          ipProtocol: 'ICMP',
          portRange: '-1/-1',
          sourceCidrIp: other.cidr,
          policy: 'accept' as const,
          priority: RULE_SET_PRIORITY,
        })),
        securityGroupId: sg.id!,
      });
      sites.push({ region: r, router: router.id!, vswitch: first.id!, sg: sg.id! });
    }
    // A connection between every two regions, on the test bandwidth.
    const links = new Map<string, string>();
    for (const [i, a] of sites.entries())
      for (const b of sites.slice(i + 1)) {
        const peer = await make('tr-peer-attachment', a.region.id, {
          name: `bench-${a.region.id}-${b.region.id}`,
          peerRegionId: b.region.id,
          bandwidth: { type: 'test' },
          cenId: cen,
          transitRouterId: a.router,
          peerTransitRouterId: b.router,
        });
        links.set([a.region.id, b.region.id].sort().join('|'), peer.id!);
      }
    const probes = await makeProbes(cloud, sites, Math.max(...sizes), pacing.sleep);
    const out: PacedMatrixBenchResult[] = [];
    for (const n of sizes) {
      // Spread over the regions in turn: 3 probes are one per region.
      const chosen = [0, 1, 2].flatMap((r) => probes.filter((_, i) => i % 3 === r).slice(0, Math.ceil((n - r) / 3)));
      const paced = new Map<string, string[]>();
      for (const a of chosen)
        for (const b of chosen)
          if (a.region !== b.region)
            paced.set(`${a.site}>${b.site}`, [links.get([a.region, b.region].sort().join('|'))!]);
      const calls = cloud.calls();
      const t = process.hrtime.bigint();
      const cells = await measureMatrix(cloud.commands, chosen, { ...DEFAULT_PING, pacing, paced });
      out.push({
        probes: chosen.length,
        cells: cells.length,
        pacedCells: cells.filter((c) => c.measured && c.paced).length,
        wallMs: Number(process.hrtime.bigint() - t) / 1e6,
        apiCalls: cloud.calls() - calls,
        allReceived: cells.every((c) => c.measured && c.report.lossPct === 0),
      });
    }
    return out;
  } finally {
    await emu.close();
  }
}

/** `count` probe instances, spread over the sites in turn, with their Cloud Assistant agents online. */
async function makeProbes(
  cloud: CloudApi,
  sites: readonly { region: { id: string; zones: readonly string[] }; vswitch: string; sg: string }[],
  count: number,
  sleep: (ms: number) => Promise<void>,
): Promise<Probe[]> {
  const created = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const s = sites[i % sites.length]!;
      const id = await cloud.drivers['ecs-instance'].create({
        region: s.region.id,
        tags: { 'vpnbot:topology': 'bench' },
        marker: 'bench',
        clientToken: `b-probe-${i}`,
        params: {
          name: `probe-${i}`,
          instanceType: 'ecs.t6-c1m1.large',
          imageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
          zoneId: s.region.zones[0]!,
          vswitchId: s.vswitch,
          securityGroupId: s.sg,
        },
      });
      return { site: `probe-${i}`, region: s.region.id, instanceId: id };
    }),
  );
  const probes: Probe[] = [];
  for (const p of created) {
    for (;;) {
      const ip = (await cloud.drivers['ecs-instance'].read(p.region, p.instanceId)).outputs.privateIp;
      if (ip) {
        probes.push({ ...p, ip });
        break;
      }
      await sleep(100);
    }
  }
  for (const region of new Set(probes.map((p) => p.region))) {
    const ids = probes.filter((p) => p.region === region).map((p) => p.instanceId);
    while ((await cloud.commands.agentsOnline(region, ids)).size < ids.length) await sleep(100);
  }
  return probes;
}
