/**
 * The plan's hash: SHA-256 of its canonical JSON (object keys sorted, steps sorted by id), so the
 * same topology against the same cloud always hashes the same. Approvals are bound to it.
 */
import { createHash } from 'node:crypto';
import type { Step } from './plan';

/** `"key":` for each key seen, so a plan's thousands of steps do not re-escape the same few keys. */
const keyPrefixes = new Map<string, string>();
const KEY_PREFIX_CACHE_LIMIT = 10_000;

function keyPrefix(k: string): string {
  let p = keyPrefixes.get(k);
  if (p === undefined) {
    p = `${JSON.stringify(k)}:`;
    if (keyPrefixes.size < KEY_PREFIX_CACHE_LIMIT) keyPrefixes.set(k, p);
  }
  return p;
}

/**
 * `JSON.stringify(v)` with every object's keys sorted, without building a sorted copy first. The
 * output must never change: stored plans are checked against hashes made with it.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    // As JSON.stringify: undefined and functions in arrays are null.
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      out += `${i === 0 ? '' : ','}${x === undefined || typeof x === 'function' ? 'null' : canonicalJson(x)}`;
    }
    return `${out}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const x = (value as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function') continue;
    out += `${first ? '' : ','}${keyPrefix(k)}${canonicalJson(x)}`;
    first = false;
  }
  return `${out}}`;
}

/** Hashes `{"steps":[...],"topology":...}` canonically, one step at a time (plans reach 100k+ steps). */
export function planHash(topology: string, steps: readonly Step[]): string {
  const h = createHash('sha256');
  const sorted = [...steps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  h.update('{"steps":[');
  for (const [i, s] of sorted.entries()) h.update(i === 0 ? canonicalJson(s) : `,${canonicalJson(s)}`);
  h.update(`],"topology":${JSON.stringify(topology)}}`);
  return h.digest('hex');
}
