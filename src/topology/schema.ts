/**
 * The shape of a topology document (YAML or the one-line form), checked with zod. Only structure
 * is checked here: key names, types, enums. Meaning (CIDRs, regions, hubs, quotas) is checked by
 * `validateTopology`, which can name sites and suggest fixes.
 */
import { formatPath } from '../format-path';
import { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import { dedupeProblems, problem, type Problem, type Result } from '../errors';
import { IKE_VERSIONS, ROLES } from './model';

// Strings are trimmed once here (a CIDR pasted with a trailing tab is the CIDR); every later
// stage sees canonical text.
const text = () => z.string().trim();

const existingSchema = z.strictObject({
  vpc: text().optional(),
  vpnGateway: text().optional(),
  customerGateway: text().optional(),
  cen: text().optional(),
});

const siteSchema = z.strictObject({
  name: text(),
  role: z.enum(ROLES),
  region: text().optional(),
  zone: text().optional(),
  cidrs: z.array(text()).min(1),
  vswitchCidr: text().optional(),
  secondZone: text().optional(),
  secondVswitchCidr: text().optional(),
  hub: text().optional(),
  onPremises: z.strictObject({ publicIp: text(), owners: z.array(text()).optional() }).optional(),
  existing: existingSchema.optional(),
});

export const topologySchema = z.strictObject({
  name: text(),
  ike: z.enum(IKE_VERSIONS).optional(),
  probes: z.boolean().optional(),
  sites: z.array(siteSchema).min(1),
  /** Checked by inter-region-bandwidth.ts, which names what is wrong with it. */
  interRegionBandwidth: z.unknown().optional(),
});

export type TopologyInput = z.infer<typeof topologySchema>;
export type SiteInput = z.infer<typeof siteSchema>;

const KNOWN_KEYS: Record<string, readonly string[]> = {
  topology: Object.keys(topologySchema.shape),
  site: Object.keys(siteSchema.shape),
  existing: Object.keys(existingSchema.shape),
  onPremises: ['publicIp', 'owners'],
};

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

/** How each key is written, for hints on a missing or mistyped value. */
const KEY_FORMS: Record<string, string> = {
  name: 'name: ikev1test',
  ike: 'ike: v1',
  probes: 'probes: true',
  sites: 'sites:\n  - name: japan\n    role: hub\n    ...',
  role: 'role: hub',
  region: 'region: ap-northeast-1',
  zone: 'zone: ap-northeast-1a',
  cidrs: 'cidrs: [172.16.0.0/12]',
  vswitchCidr: 'vswitchCidr: 172.16.1.0/24',
  secondZone: 'secondZone: ap-northeast-1b',
  secondVswitchCidr: 'secondVswitchCidr: 172.16.2.0/24',
  hub: 'hub: japan',
  onPremises: 'onPremises: { publicIp: 203.0.113.10 }',
  publicIp: 'publicIp: 203.0.113.10',
  owners: 'owners: [U012AB3CD, S0614TZR7]',
  existing: 'existing: { vpc: vpc-xxxx }',
  interRegionBandwidth: 'interRegionBandwidth: { dataTransferMbps: 10 }',
  vpc: 'vpc: vpc-xxxx',
  vpnGateway: 'vpnGateway: vpn-xxxx',
  customerGateway: 'customerGateway: cgw-xxxx',
  cen: 'cen: cen-xxxx',
};

const EXPECTED_WORDS: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
  number: 'a number',
};

/** What the user wrote, in a few words: `the text "yes"`, `a mapping`, `a list of 2`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  switch (typeof v) {
    case 'string':
      return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
    case 'number':
    case 'boolean':
      return `${typeof v} ${String(v)}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof v;
  }
}

function typeProblem(issue: z.core.$ZodIssueInvalidType, path: string): Problem {
  const key = String([...issue.path].reverse().find((k) => typeof k === 'string') ?? 'topology');
  const form = KEY_FORMS[key];
  if (issue.input === undefined) {
    return problem('schema.missing', path, `"${key}" is required`, form ? `add ${form}` : `add ${key}`);
  }
  const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
  const message = `${key} must be ${expected}, got ${describeValue(issue.input)}`;
  if (key === 'cidrs' && typeof issue.input === 'string')
    return problem('schema.invalid-type', path, message, `write it as a list: cidrs: [${issue.input.trim()}]`);
  if (issue.expected === 'boolean')
    return problem(
      'schema.invalid-type',
      path,
      message,
      `write ${key}: true or ${key}: false (YAML reads yes/no/on/off as text)`,
    );
  if (key === 'sites')
    return problem(
      'schema.invalid-type',
      path,
      message,
      'write each site as a list item: "  - name: japan" on its own line',
    );
  return problem('schema.invalid-type', path, message, form ? `e.g. ${form}` : `give ${key} as ${expected}`);
}

/** The allowed value the user most likely meant: same letters in another case (`DC`, `IKEv1`), or a typo. */
function guessChoice(given: string, choices: readonly string[]): string | undefined {
  const lower = given.trim().toLowerCase();
  const exact = choices.find((c) => c === lower || c === lower.replace(/^ike/, ''));
  if (exact) return exact;
  const best = closest(lower, [...choices]);
  return distance(lower, best) <= Math.floor(best.length / 3) ? best : undefined;
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
    case 'invalid_value': {
      const choices = issue.values.map((v) => String(v));
      const given = issue.input;
      const guess = typeof given === 'string' ? guessChoice(given, choices) : undefined;
      return [
        problem(
          'schema.invalid-value',
          path,
          `${given === undefined ? '' : `${describeValue(given)} is not allowed here: `}must be one of ${choices.map((v) => JSON.stringify(v)).join(', ')}`,
          guess !== undefined ? `did you mean "${guess}"?` : `use one of ${choices.join(', ')}`,
        ),
      ];
    }
    case 'invalid_type':
      return [typeProblem(issue, path)];
    case 'too_small': {
      const key = String(issue.path[issue.path.length - 1] ?? '');
      return [
        problem(
          'schema.empty',
          path,
          `${key || 'this'} must not be empty`,
          KEY_FORMS[key] ? `e.g. ${KEY_FORMS[key]}` : 'give at least one value',
        ),
      ];
    }
    default:
      return [problem('schema.invalid', path, issue.message, 'see the topology language in `vpnbot help`')];
  }
}

/** Checks the document's structure; never throws. */
export function checkTopologyShape(doc: unknown): Result<TopologyInput> {
  let r: ReturnType<typeof topologySchema.safeParse>;
  try {
    // reportInput: without it zod 4 issues carry no input, and a value of the wrong type would look missing.
    r = topologySchema.safeParse(doc, { reportInput: true });
  } catch (e) {
    const deep = e instanceof RangeError;
    return {
      ok: false,
      problems: [
        problem(
          deep ? 'yaml.too-deep' : 'schema.invalid',
          '',
          deep ? 'the document nests far deeper than a topology does' : String((e as Error).message).slice(0, 200),
          'see the topology language in `vpnbot help`',
        ),
      ],
    };
  }
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: dedupeProblems(r.error.issues.flatMap(issueToProblems)) };
}
