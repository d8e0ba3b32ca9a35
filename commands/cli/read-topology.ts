import { distance } from 'fastest-levenshtein';
import { formatProblems, type Result } from '../../src/errors';
import { validateWithCloudZones, type ZoneSource } from '../../src/topology/load-topology';
import { parseTopologyLine } from '../../src/topology/parse-line';
import { parseTopologyYaml } from '../../src/topology/parse-yaml';
import type { Topology } from '../../src/topology/model';
import type { TopologyInput } from '../../src/topology/schema';
import { SEED_NAME } from '../../src/topology/seed';
import { validateTopology, type ValidationOptions } from '../../src/topology/validate';
import type { CliIo } from '../common/cli-io';

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
 * one-line form. Returns the topology, or the text to print on stderr. With `zones` (a connected
 * cloud), zones are checked against what the cloud offers, and with `vpnZones` a VPN site's zones
 * against those that sell VPN gateways.
 */
export async function readTopologyArg(
  arg: string,
  io: CliIo,
  options: ValidationOptions,
  zones?: ZoneSource,
  vpnZones?: ZoneSource,
): Promise<Result<Topology, string>> {
  let parsed: Result<TopologyInput>;
  let source = arg;
  if (arg !== '-' && isTopologyLine(arg)) {
    parsed = parseTopologyLine(arg);
    source = 'given on the command line';
  } else {
    let text: string;
    try {
      text = arg === '-' ? await io.readStdin() : await io.readFile(arg);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const hint =
        code !== 'ENOENT'
          ? ''
          : distance(arg.toLowerCase(), SEED_NAME) <= 2
            ? ` (did you mean \`${SEED_NAME}\`, the walkthrough?)`
            : ' (give a YAML file, `-` for standard input, `seed`, or a one-line topology in quotes)';
      return { ok: false, problems: `cannot read ${arg}: ${code ?? (e as Error).message}${hint}` };
    }
    parsed = parseTopologyYaml(text);
    source = arg === '-' ? '(stdin)' : arg;
  }
  const result: Result<Topology> = zones
    ? await validateWithCloudZones(parsed, options, zones, vpnZones)
    : parsed.ok
      ? validateTopology(parsed.value, options)
      : parsed;
  return result.ok
    ? result
    : { ok: false, problems: `invalid topology ${source}:\n${formatProblems(result.problems)}` };
}
