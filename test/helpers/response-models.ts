/**
 * Response models as plain specs, and a walk of a response body against one. VPC and ECS specs are
 * read from the official SDK's generated `*ResponseBody` classes (`names()` maps property to wire
 * name, `types()` gives the type); CEN's are transcribed (test/fixtures/cen-response-models.ts).
 */
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { cast } from '@darabonba/typescript';

export type Spec = 'string' | 'number' | 'boolean' | Spec[] | { readonly [wireName: string]: Spec };

interface ModelClass {
  names(): Record<string, string>;
  types(): Record<string, unknown>;
}

function typeSpec(t: unknown): Spec {
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  if (typeof t === 'function') return classSpec(t as unknown as ModelClass);
  const o = t as { type?: string; itemType?: unknown };
  if (o.type === 'array') return [typeSpec(o.itemType)];
  throw new Error(`a model type the walk does not know: ${JSON.stringify(t)}`);
}

function classSpec(c: ModelClass): Spec {
  const names = c.names();
  const types = c.types();
  return Object.fromEntries(Object.keys(names).map((k) => [names[k]!, typeSpec(types[k])]));
}

const SDKS: Record<string, Record<string, unknown>> = {
  '2016-04-28': $Vpc as unknown as Record<string, unknown>,
  '2014-05-26': $Ecs as unknown as Record<string, unknown>,
};

/** The SDK's model of `action`'s response body in API `version`, or undefined when the SDK has none. */
export function sdkResponseSpec(version: string, action: string): Spec | undefined {
  const c = SDKS[version]?.[`${action}ResponseBody`] as ModelClass | undefined;
  return c ? classSpec(c) : undefined;
}

/** The SDK's own conversion of a raw answer, as its typed client does it; throws where the SDK would. */
export function sdkCast(version: string, action: string, body: unknown): void {
  const Response = SDKS[version]?.[`${action}Response`] as (new (m: object) => object) | undefined;
  if (!Response) return;
  cast({ headers: {}, statusCode: 200, body }, new Response({}));
}

export interface Finding {
  /** `Action Path`, e.g. `DescribeVpnGateways VpnGateways.VpnGateway[].Tags.Tag[].Key`. */
  readonly where: string;
  readonly problem: 'missing' | 'mistyped' | 'not in the model' | 'never populated';
  readonly detail?: string;
}

/**
 * Walks `value` against `spec`. `populated` collects every list path seen with at least one item,
 * `lists` every list path seen at all: a list that is always empty never had its items checked.
 */
export function walk(
  spec: Spec,
  value: unknown,
  where: string,
  out: { findings: Finding[]; lists: Set<string>; populated: Set<string> },
): void {
  if (value === undefined || value === null) {
    out.findings.push({ where, problem: 'missing' });
    return;
  }
  if (typeof spec === 'string') {
    if (typeof value !== spec)
      out.findings.push({ where, problem: 'mistyped', detail: `${spec} expected, got ${JSON.stringify(value)}` });
    return;
  }
  if (Array.isArray(spec)) {
    if (!Array.isArray(value)) {
      out.findings.push({ where, problem: 'mistyped', detail: `a list expected, got ${JSON.stringify(value)}` });
      return;
    }
    out.lists.add(where);
    if (value.length > 0) out.populated.add(where);
    for (const item of value) walk(spec[0]!, item, `${where}[]`, out);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.findings.push({ where, problem: 'mistyped', detail: `an object expected, got ${JSON.stringify(value)}` });
    return;
  }
  const sep = where.includes(' ') ? '.' : ' ';
  for (const [name, sub] of Object.entries(spec))
    walk(sub, (value as Record<string, unknown>)[name], `${where}${sep}${name}`, out);
  for (const name of Object.keys(value))
    if (!(name in spec)) out.findings.push({ where: `${where}${sep}${name}`, problem: 'not in the model' });
}
