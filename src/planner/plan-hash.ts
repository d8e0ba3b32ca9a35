/**
 * The plan's hash: SHA-256 of its canonical JSON (object keys sorted, steps sorted by id), so the
 * same topology against the same cloud always hashes the same. Approvals are bound to it.
 */
import { createHash } from 'node:crypto';
import type { Step } from './plan';

/** `JSON.stringify(v)` with every object's keys sorted, without building a sorted copy first. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) {
    // As JSON.stringify: undefined and functions in arrays are null.
    return `[${v.map((x) => (x === undefined || typeof x === 'function' ? 'null' : canonicalJson(x))).join(',')}]`;
  }
  if (v !== null && typeof v === 'object') {
    let out = '';
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function') continue;
      out += `${out ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(x)}`;
    }
    return `{${out}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Hashes `{"steps":[...],"topology":...}` canonically, one step at a time (plans reach 100k+ steps). */
export function planHash(topology: string, steps: readonly Step[]): string {
  const h = createHash('sha256');
  const sorted = [...steps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  h.update('{"steps":[');
  sorted.forEach((s, i) => h.update(i === 0 ? canonicalJson(s) : `,${canonicalJson(s)}`));
  h.update(`],"topology":${JSON.stringify(topology)}}`);
  return h.digest('hex');
}
