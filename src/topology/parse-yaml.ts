/**
 * The YAML form of a topology. Total: every input gets a checked shape or problems, never an
 * exception, whatever the YAML library throws (unresolved aliases, alias bombs, bad merge keys,
 * nesting deeper than the stack) and whatever the size.
 */
import { parseDocument, type Document } from 'yaml';
import { dedupeProblems, problem, type Problem, type Result } from '../errors';
import { checkTopologyShape, type TopologyInput } from './schema';

/** A topology of a few hundred sites is ~50 KiB; anything far larger is a mistake or an attack. */
export const MAX_TOPOLOGY_CHARS = 256 * 1024;

/** Aliases expanded at most while converting (the library's guard against "billion laughs"). */
const MAX_ALIAS_COUNT = 100;

const TOPOLOGY_HINT =
  'a topology is a mapping with name, sites (a list of flat mappings) and optional ike and probes; see `vpnbot help`';

/** A problem the YAML library raised, in the user's terms. */
function libraryProblem(e: unknown, where: string): Problem {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError || /call stack/i.test(message)) {
    return problem(
      'yaml.too-deep',
      where,
      'the document nests lists or mappings far deeper than a topology does',
      TOPOLOGY_HINT,
    );
  }
  const alias = /^Unresolved alias[^:]*: (.*)$/.exec(message);
  if (alias) {
    const name = alias[1]!.slice(0, 40);
    return problem(
      'yaml.alias-unresolved',
      where,
      `alias *${name} refers to no anchor defined before it`,
      `define &${name} before the first *${name}, or write the value out`,
    );
  }
  if (/alias count/i.test(message)) {
    return problem(
      'yaml.alias-limit',
      where,
      `the document expands aliases more than ${MAX_ALIAS_COUNT} times`,
      'write the values out instead of nesting aliases',
    );
  }
  if (/merge/i.test(message)) {
    return problem(
      'yaml.merge-key',
      where,
      'a merge key (<<) must be followed by a mapping or an alias of one',
      'write the keys out instead of merging',
    );
  }
  return problem('yaml.invalid', where, (message.split('\n')[0] ?? 'invalid YAML').slice(0, 200), TOPOLOGY_HINT);
}

/** The first line indented with a tab, 1-based, if any. */
function firstTabIndentedLine(text: string): number | undefined {
  const m = /^[ ]*\t/m.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function syntaxProblems(doc: Document, text: string): Problem[] {
  // Tabs cause a cascade of follow-on errors; the one thing to say is the cause.
  const tabLine = firstTabIndentedLine(text);
  if (tabLine !== undefined && doc.errors.some((e) => /tab/i.test(e.message))) {
    return [
      problem(
        'yaml.tab-indent',
        `line ${tabLine}`,
        `line ${tabLine} is indented with a tab`,
        'YAML indents with spaces only: replace each tab with spaces',
      ),
    ];
  }
  return dedupeProblems(
    doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const where = at ? `line ${at.line}, column ${at.col}` : '';
      if (/call stack/i.test(e.message)) return libraryProblem(new RangeError(e.message), '');
      const words = (e.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '');
      return problem(
        'yaml.syntax',
        where,
        words,
        'check the indentation and the quoting on that line; YAML indents with spaces',
      );
    }),
  );
}

/** Parses the YAML form of a topology into its checked shape; never throws. */
export function parseTopologyYaml(text: string): Result<TopologyInput> {
  if (text.length > MAX_TOPOLOGY_CHARS) {
    return {
      ok: false,
      problems: [
        problem(
          'input.too-large',
          '',
          `the topology is ${Math.ceil(text.length / 1024)} KiB; vpnbot reads at most ${MAX_TOPOLOGY_CHARS / 1024} KiB`,
          'summarise CIDRs into larger blocks, or split it into several topologies',
        ),
      ],
    };
  }
  let value: unknown;
  try {
    // logLevel error: the library's warnings (e.g. a mapping used as a key) would go to the process's stderr.
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
    if (doc.errors.length > 0) return { ok: false, problems: syntaxProblems(doc, text) };
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { ok: false, problems: [libraryProblem(e, '')] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      problems: [
        problem(
          'yaml.not-a-mapping',
          '',
          `a topology is a YAML mapping, got ${Array.isArray(value) ? 'a list' : value === null ? 'nothing' : 'a single value'}`,
          TOPOLOGY_HINT,
        ),
      ],
    };
  }
  return checkTopologyShape(value);
}
