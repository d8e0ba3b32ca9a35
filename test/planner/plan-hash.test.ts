/**
 * The canonical JSON plans are hashed with: stored plans are checked against hashes made by earlier
 * versions, so its output must stay exactly what it was (keys sorted, JSON.stringify's escaping),
 * whatever the implementation does to be fast.
 */
import fc from 'fast-check';
import { canonicalJson } from '../../src/planner/plan-hash';

/**
 * The implementation plans were hashed with until now, kept as the reference. (A sorted copy passed
 * to JSON.stringify is not one: objects put integer-like keys such as "0" first, whatever the order.)
 */
function released(v: unknown): string {
  if (Array.isArray(v))
    return `[${v.map((x) => (x === undefined || typeof x === 'function' ? 'null' : released(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    let out = '';
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function') continue;
      out += `${out ? ',' : ''}${JSON.stringify(k)}:${released(x)}`;
    }
    return `{${out}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

describe('canonicalJson', () => {
  it('answers exactly as the released implementation, for any JSON-like value (undefined members included)', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(released(v));
      }),
      { numRuns: Number(process.env.VPNBOT_FUZZ_RUNS ?? 2000) },
    );
  });

  it('keeps keys that need escaping, and sorts them as JSON.stringify would see them', () => {
    expect(canonicalJson({ b: 1, 'a"b': [undefined, 2], a: { y: undefined, x: '\u2028' } })).toBe(
      '{"a":{"x":"\u2028"},"a\\"b":[null,2],"b":1}',
    );
  });
});
