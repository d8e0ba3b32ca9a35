import { formatProblems, type Result } from '../errors';
import { topologyFromLine, topologyFromYaml } from '../topology/load-topology';
import type { Topology } from '../topology/model';
import { SEED_NAME } from '../topology/seed';
import type { ValidationOptions } from '../topology/validate';
import type { CliIo } from './io';

/**
 * Reads a topology named on the command line: a YAML file, `-` for standard input, or `seed`.
 * Returns the topology, or the text to print on stderr.
 */
export async function readTopologyArg(arg: string, io: CliIo, options: ValidationOptions): Promise<Result<Topology, string>> {
  let result: Result<Topology>;
  if (arg === SEED_NAME) result = topologyFromLine(SEED_NAME, options);
  else {
    let text: string;
    try {
      text = arg === '-' ? await io.readStdin() : await io.readFile(arg);
    } catch (e) {
      return { ok: false, problems: `cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    result = topologyFromYaml(text, options);
  }
  return result.ok ? result : { ok: false, problems: `invalid topology ${arg === '-' ? '(stdin)' : arg}:\n${formatProblems(result.problems)}` };
}
