/**
 * One apply benchmark in a process of its own, started with the production V8 flags: its peak RSS
 * is that apply's alone, not what earlier benchmarks of the run left in the heap. The child runs
 * this same module from the build (`npm run bench` builds first) and sends its result back.
 */
import { fork } from 'node:child_process';
import { NODE_FLAGS } from '../node-flags';
import { benchApply, type ApplyBenchResult } from './apply-bench';
import { fiftySiteTopology, seedBenchTopology, twelveSiteTopology } from './bench-topologies';

export const APPLY_BENCH_TOPOLOGIES = {
  seed: seedBenchTopology,
  '12 sites': twelveSiteTopology,
  '50 sites': fiftySiteTopology,
} as const;
export type ApplyBenchName = keyof typeof APPLY_BENCH_TOPOLOGIES;

interface Request {
  readonly name: ApplyBenchName;
  readonly timeScale: number;
}

export async function benchApplyInProcess(name: ApplyBenchName, timeScale: number): Promise<ApplyBenchResult> {
  // The child runs this module as built: under ts-jest or ts-node there is no .js to fork.
  if (!__filename.endsWith('.js')) throw new Error(`${__filename} is not built: run npm run build`);
  const child = fork(__filename, [], { execArgv: [...NODE_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let result: ApplyBenchResult | undefined;
    child.once('message', (m) => {
      result = m as ApplyBenchResult;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the ${name} apply benchmark exited with ${code} and no result`)),
    );
    child.send({ name, timeScale } satisfies Request);
  });
}

if (require.main === module) {
  process.once('message', (m) => {
    const { name, timeScale } = m as Request;
    void benchApply(name, APPLY_BENCH_TOPOLOGIES[name](), timeScale).then(
      (r) => process.send!(r, () => process.exit(0)),
      (e: unknown) => {
        process.stderr.write(`apply benchmark ${name}: ${String(e)}\n`);
        process.exit(1);
      },
    );
  });
}
