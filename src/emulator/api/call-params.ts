/** Reading flattened RPC parameters (`Key.N`, `Key.N.Sub`, JSON strings) the way the gateway does. */
import { ApiError, invalid, missing } from './api-error';

export class CallParams {
  constructor(readonly raw: Readonly<Record<string, string>>) {}

  opt(name: string): string | undefined {
    const v = this.raw[name];
    return v === undefined || v === '' ? undefined : v;
  }

  req(name: string): string {
    const v = this.opt(name);
    if (v === undefined) throw missing(name);
    return v;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.opt(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw invalid(name, `expected an integer from ${min} to ${max}, got "${v}"`);
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.opt(name);
    return v === undefined ? fallback : v.toLowerCase() === 'true';
  }

  /** `Name.1`, `Name.2`, ... in index order. */
  list(name: string): string[] {
    return this.indexed(name)
      .map(([, k]) => this.raw[k]!)
      .filter((v) => v !== '');
  }

  /** `Name.N.Field` objects in index order. */
  objects(name: string): Record<string, string>[] {
    const out = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${name.replace('.', '\\.')}\\.(\\d+)\\.(.+)$`);
    for (const [k, v] of Object.entries(this.raw)) {
      const m = re.exec(k);
      if (!m) continue;
      const i = Number(m[1]);
      out.set(i, { ...(out.get(i) ?? {}), [m[2]!]: v });
    }
    return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  }

  /** Tags from `Tag.N.Key/Value` (most actions) or `Tags.N.Key/Value` (customer gateways, connections). */
  tags(): Record<string, string> {
    const pairs = [...this.objects('Tag'), ...this.objects('Tags')];
    return Object.fromEntries(pairs.filter((p) => p.Key !== undefined).map((p) => [p.Key!, p.Value ?? '']));
  }

  /** A JSON-encoded parameter (IkeConfig, InstanceIds, ...). */
  json<T>(name: string): T | undefined {
    const v = this.opt(name);
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw new ApiError(`Invalid${name}`, `The parameter ${name} is not valid JSON.`, 400);
    }
  }

  private indexed(name: string): [number, string][] {
    const re = new RegExp(`^${name}\\.(\\d+)$`);
    return Object.keys(this.raw)
      .map((k) => [re.exec(k), k] as const)
      .filter((x): x is [RegExpExecArray, string] => x[0] !== null)
      .map(([m, k]) => [Number(m[1]), k] as [number, string])
      .sort((a, b) => a[0] - b[0]);
  }
}
