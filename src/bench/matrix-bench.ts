/**
 * The ping matrix's wall time for 3, 10 and 30 probes: probe instances in one VPC of the emulator
 * (created through the drivers), measured through the real SDK (RunCommand, polling). The pings
 * run in parallel on each instance, so 30 probes should cost little more than 3.
 */
import { createAlibabaCloud } from '../cloud/alibaba/alibaba-cloud';
import { startEmulator } from '../emulator/server/start-emulator';
import { realPacing } from '../engine/retry-policy';
import { RULE_SET_PRIORITY } from '../planner/desired-steps';
import { DEFAULT_PING } from '../probe/matrix-script';
import { measureMatrix, type Probe } from '../probe/measure-matrix';

export interface MatrixBenchResult {
  readonly probes: number;
  readonly cells: number;
  readonly wallMs: number;
  readonly apiCalls: number;
  readonly allMeasured: boolean;
}

const REGION = 'cn-hongkong';

export async function benchMatrix(sizes: readonly number[] = [3, 10, 30], scale = 0.1): Promise<MatrixBenchResult[]> {
  const emu = await startEmulator({ timeScale: scale });
  try {
    const cloud = createAlibabaCloud({
      sandbox: true,
      endpoint: emu.endpoint,
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    });
    const pacing = realPacing(scale);
    const base = { region: REGION, tags: { 'vpnbot:topology': 'bench' }, marker: 'bench' };
    const until = async (ready: () => Promise<boolean>) => {
      while (!(await ready())) await pacing.sleep(1_000 * scale);
    };
    const vpcId = await cloud.drivers.vpc.create({
      ...base,
      clientToken: 'b-vpc',
      params: { name: 'bench', cidrBlock: '10.0.0.0/8', secondaryCidrBlocks: [] },
    });
    await until(async () => (await cloud.drivers.vpc.read(REGION, vpcId)).state === 'ready');
    const vswitchId = await cloud.drivers.vswitch.create({
      ...base,
      clientToken: 'b-vsw',
      params: { name: 'bench', cidrBlock: '10.0.0.0/24', zoneId: 'cn-hongkong-b', vpcId },
    });
    await until(async () => (await cloud.drivers.vswitch.read(REGION, vswitchId)).state === 'ready');
    const securityGroupId = await cloud.drivers['security-group'].create({
      ...base,
      clientToken: 'b-sg',
      params: { name: 'bench', vpcId },
    });
    await cloud.drivers['security-group-rules'].create({
      ...base,
      marker: 'vpnbot:bench:security-group-rules:bench',
      clientToken: 'b-rules',
      params: {
        rules: [
          {
            ipProtocol: 'ICMP',
            portRange: '-1/-1',
            sourceCidrIp: '10.0.0.0/8',
            policy: 'accept',
            priority: RULE_SET_PRIORITY,
          },
        ],
        securityGroupId,
      },
    });
    const max = Math.max(...sizes);
    const ids = await Promise.all(
      Array.from({ length: max }, (_, i) =>
        cloud.drivers['ecs-instance'].create({
          ...base,
          clientToken: `b-i${i}`,
          params: {
            name: `probe-${i}`,
            instanceType: 'ecs.t6-c1m1.large',
            imageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
            zoneId: 'cn-hongkong-b',
            vswitchId,
            securityGroupId,
          },
        }),
      ),
    );
    const probes: Probe[] = [];
    for (const [i, id] of ids.entries()) {
      let ip = '';
      await until(async () => {
        ip = (await cloud.drivers['ecs-instance'].read(REGION, id)).outputs.privateIp ?? '';
        return ip !== '';
      });
      probes.push({ site: `probe-${i}`, region: REGION, instanceId: id, ip });
    }
    await until(async () => (await cloud.commands.agentsOnline(REGION, ids)).size === ids.length);
    // One round to warm the JIT (the first run of each code path is several times slower), then the measured one.
    for (const n of sizes) await measureMatrix(cloud.commands, probes.slice(0, n), { ...DEFAULT_PING, pacing });
    const out: MatrixBenchResult[] = [];
    for (const n of sizes) {
      const calls = cloud.calls();
      const t = process.hrtime.bigint();
      const cells = await measureMatrix(cloud.commands, probes.slice(0, n), { ...DEFAULT_PING, pacing });
      out.push({
        probes: n,
        cells: cells.length,
        wallMs: Number(process.hrtime.bigint() - t) / 1e6,
        apiCalls: cloud.calls() - calls,
        allMeasured: cells.every((c) => c.measured && c.report.received > 0),
      });
    }
    return out;
  } finally {
    await emu.close();
  }
}
