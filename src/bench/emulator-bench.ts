/** How many signed calls per second the emulator serves, through the official SDK clients. */
import { startEmulator } from '../emulator/start-emulator';
import { createAlibabaClients } from '../cloud/alibaba/alibaba-clients';
import * as $Vpc from '@alicloud/vpc20160428';

export interface EmulatorBenchResult {
  readonly calls: number;
  readonly sequentialPerSecond: number;
  readonly concurrentPerSecond: number;
  readonly concurrency: number;
}

export async function benchEmulator(calls = 2000, concurrency = 16): Promise<EmulatorBenchResult> {
  const emu = await startEmulator({ timeScale: 0.001 });
  try {
    const clients = createAlibabaClients({ endpoint: emu.endpoint, credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret } });
    const vpc = clients.vpc('cn-hongkong');
    await vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: 'cn-hongkong', cidrBlock: '10.0.0.0/8' }));
    const call = () => vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: 'cn-hongkong' }));
    for (let i = 0; i < 50; i++) await call();
    let t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await call();
    const sequential = calls / (Number(process.hrtime.bigint() - t) / 1e9);
    t = process.hrtime.bigint();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await call();
    }));
    const concurrent = calls / (Number(process.hrtime.bigint() - t) / 1e9);
    return { calls, sequentialPerSecond: sequential, concurrentPerSecond: concurrent, concurrency };
  } finally {
    await emu.close();
  }
}
