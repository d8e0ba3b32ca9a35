import { formatProblems, type Result } from '../errors';
import { topologyFromLine, topologyFromYaml } from '../topology/load-topology';
import type { Topology } from '../topology/model';
import { SEED_NAME } from '../topology/seed';
import type { ValidationOptions } from '../topology/validate';
import type { CliIo } from './io';

/**
 * Whether a command-line argument is a topology in the one-line form (as Slack's `/vpn plan` takes
 * it) rather than a file path: `seed` in any case, or text with a space or a `ROLE:NAME=` site.
 */
export function isTopologyLine(arg: string): boolean {
  const t = arg.trim();
  return t.toLowerCase() === SEED_NAME || /\s/.test(t) || /(^|\s)[a-z]+:[^\s=/]+(@[^\s=]+)?=/i.test(t);
}

/**
 * Reads a topology named on the command line: a YAML file, `-` for standard input, `seed`, or the
 * one-line form. Returns the topology, or the text to print on stderr.
 */
export async function readTopologyArg(arg: string, io: CliIo, options: ValidationOptions): Promise<Result<Topology, string>> {
  let result: Result<Topology>;
  let source = arg;
  if (arg !== '-' && isTopologyLine(arg)) {
    result = topologyFromLine(arg, options);
    source = 'given on the command line';
  } else {
    let text: string;
    try {
      text = arg === '-' ? await io.readStdin() : await io.readFile(arg);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const hint = code === 'ENOENT' ? ' (give a YAML file, `-` for standard input, `seed`, or a one-line topology in quotes)' : '';
      return { ok: false, problems: `cannot read ${arg}: ${code ?? (e as Error).message}${hint}` };
    }
    result = topologyFromYaml(text, options);
    source = arg === '-' ? '(stdin)' : arg;
  }
  return result.ok ? result : { ok: false, problems: `invalid topology ${source}:\n${formatProblems(result.problems)}` };
}
