/**
 * The shape of a topology document (YAML or the one-line form), checked with zod. Only structure
 * is checked here: key names, types, enums. Meaning (CIDRs, regions, hubs, quotas) is checked by
 * `validateTopology`, which can name sites and suggest fixes.
 */
import { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import { problem, type Problem, type Result } from '../errors';
import { IKE_VERSIONS, ROLES } from './model';

const existingSchema = z.strictObject({
  vpc: z.string().optional(),
  vpnGateway: z.string().optional(),
  customerGateway: z.string().optional(),
  cen: z.string().optional(),
});

const siteSchema = z.strictObject({
  name: z.string(),
  role: z.enum(ROLES),
  region: z.string().optional(),
  zone: z.string().optional(),
  cidrs: z.array(z.string()).min(1),
  vswitchCidr: z.string().optional(),
  hub: z.string().optional(),
  onPremises: z.strictObject({ publicIp: z.string() }).optional(),
  existing: existingSchema.optional(),
});

export const topologySchema = z.strictObject({
  name: z.string(),
  ike: z.enum(IKE_VERSIONS).optional(),
  probes: z.boolean().optional(),
  sites: z.array(siteSchema).min(1),
});

export type TopologyInput = z.infer<typeof topologySchema>;
export type SiteInput = z.infer<typeof siteSchema>;

const KNOWN_KEYS: Record<string, readonly string[]> = {
  topology: Object.keys(topologySchema.shape),
  site: Object.keys(siteSchema.shape),
  existing: Object.keys(existingSchema.shape),
  onPremises: ['publicIp'],
};

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

function keysAt(path: readonly PropertyKey[]): readonly string[] {
  const last = path[path.length - 1];
  if (path.length === 0) return KNOWN_KEYS.topology!;
  if (last === 'existing') return KNOWN_KEYS.existing!;
  if (last === 'onPremises') return KNOWN_KEYS.onPremises!;
  return KNOWN_KEYS.site!;
}

/** Did-you-mean for a misspelt key, when one known key is close enough. */
function suggestKey(key: string, known: readonly string[]): string | undefined {
  const best = closest(key, [...known]);
  if (distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3))) return best;
  // Abbreviations ("vpnGw"): the one known key sharing the longest prefix of at least 3 letters.
  const shared = (k: string) => {
    let n = 0;
    while (n < k.length && n < key.length && k[n]!.toLowerCase() === key[n]!.toLowerCase()) n++;
    return n;
  };
  const longest = Math.max(...known.map(shared));
  const candidates = known.filter((k) => shared(k) === longest);
  return longest >= 3 && candidates.length === 1 ? candidates[0] : undefined;
}

function issueToProblems(issue: z.core.$ZodIssue): Problem[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(issue.path);
      return issue.keys.map((key) => {
        const guess = suggestKey(key, known);
        return problem(
          'schema.unknown-key',
          path ? `${path}.${key}` : key,
          `unknown key "${key}"`,
          guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`,
        );
      });
    }
    case 'invalid_value':
      return [problem('schema.invalid-value', path, `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`)];
    case 'invalid_type':
      return [
        problem(
          issue.input === undefined ? 'schema.missing' : 'schema.invalid-type',
          path,
          issue.input === undefined ? `"${String(issue.path[issue.path.length - 1])}" is required` : `expected ${issue.expected}`,
        ),
      ];
    case 'too_small':
      return [problem('schema.empty', path, 'must not be empty')];
    default:
      return [problem('schema.invalid', path, issue.message)];
  }
}

/** Checks the document's structure; never throws. */
export function checkTopologyShape(doc: unknown): Result<TopologyInput> {
  const r = topologySchema.safeParse(doc);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: r.error.issues.flatMap(issueToProblems) };
}
