/**
 * Reading back what vpnbot stored (plans, topologies, measurements): JSON checked by a schema, so
 * a row written by another version is refused with the reason, never misread.
 */
import type { z } from 'zod';
import { formatPath } from './format-path';

export type Stored<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `where` names the document in the reason, e.g. "plan.steps.3: Invalid input". */
export function issue(where: string, error: z.ZodError): string {
  const first = error.issues[0]!;
  return `${where}${first.path.length ? `.${formatPath(first.path)}` : ''}: ${first.message}`;
}

export function readStoredJson<S extends z.ZodType>(json: string, schema: S, where: string): Stored<z.infer<S>> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, reason: issue(where, r.error) };
}
