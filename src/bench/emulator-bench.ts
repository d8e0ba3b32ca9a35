/** How many signed calls per second the emulator serves, made by the real SDK clients through the cloud port. */
import { createAlibabaCloud } from '../cloud/alibaba/alibaba-cloud';
import { startEmulator } from '../emulator/server/start-emulator';

export interface EmulatorBenchResult {
  readonly calls: number;
  readonly sequentialPerSecond: number;
  readonly concurrentPerSecond: number;
  readonly concurrency: number;
}

export async function benchEmulator(calls = 2000, concurrency = 16): Promise<EmulatorBenchResult> {
  const emu = await startEmulator({ timeScale: 0.001 });
  try {
    const cloud = createAlibabaCloud({
      sandbox: true,
      endpoint: emu.endpoint,
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    });
    const input = {
      region: 'cn-hongkong',
      params: { name: 'bench', cidrBlock: '10.0.0.0/8', secondaryCidrBlocks: [] },
      tags: {},
      clientToken: 'bench-vpc',
      marker: 'bench',
    };
    const vpcId = await cloud.drivers.vpc.create(input);
    // One read of a VPC is one signed DescribeVpcs call.
    const call = () => cloud.drivers.vpc.read('cn-hongkong', vpcId);
    for (let i = 0; i < 50; i++) await call();
    let t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await call();
    const sequential = calls / (Number(process.hrtime.bigint() - t) / 1e9);
    t = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < calls) await call();
      }),
    );
    const concurrent = calls / (Number(process.hrtime.bigint() - t) / 1e9);
    return { calls, sequentialPerSecond: sequential, concurrentPerSecond: concurrent, concurrency };
  } finally {
    await emu.close();
  }
}
