import { parseDocument } from 'yaml';
import { problem, type Result } from '../errors';
import { checkTopologyShape, type TopologyInput } from './schema';

/** Parses the YAML form of a topology into its checked shape; never throws. */
export function parseTopologyYaml(text: string): Result<TopologyInput> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return problem('yaml.syntax', at ? `line ${at.line}, column ${at.col}` : '', (e.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, ''));
      }),
    };
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: [problem('yaml.not-a-mapping', '', 'a topology is a YAML mapping with name, sites and optional ike and probes')] };
  }
  return checkTopologyShape(value);
}
