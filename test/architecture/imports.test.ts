/** The import directions of shared/reference/architecture.md, read off the source. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Each import of a file: the module specifier, and for relative ones the top-level path it resolves to. */
function importsOf(file: string): { spec: string; target?: string }[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return specs.map((spec) => (spec.startsWith('.') ? { spec, target: relative(ROOT, resolve(dirname(file), spec)) } : { spec }));
}

const all = (dir: string) => files(join(ROOT, dir)).map((f) => ({ file: relative(ROOT, f), imports: importsOf(f) }));
const violations = (dir: string, bad: (i: { spec: string; target?: string }, file: string) => boolean) =>
  all(dir).flatMap(({ file, imports }) => imports.filter((i) => bad(i, file)).map((i) => `${file} -> ${i.spec}`));

describe('import directions', () => {
  it('finds the imports it checks', () => {
    expect(all('src').length).toBeGreaterThan(30);
    expect(all('src').flatMap((f) => f.imports).some((i) => i.spec === '@alicloud/vpc20160428')).toBe(true);
  });

  it('src/ never imports commands/, storage/, Slack or SQLite', () => {
    expect(violations('src', (i) => /^(commands|storage)(\/|$)/.test(i.target ?? '') || i.spec.startsWith('@slack/') || i.spec === 'better-sqlite3')).toEqual([]);
  });

  it('only src/cloud/alibaba/ imports the Alibaba SDKs', () => {
    expect(violations('src', (i, file) => /^@(alicloud|darabonba)\//.test(i.spec) && !file.startsWith('src/cloud/alibaba/'))).toEqual([]);
    expect(violations('storage', (i) => /^@(alicloud|darabonba)\//.test(i.spec))).toEqual([]);
  });

  it('src/dag/ imports no domain code', () => {
    expect(violations('src/dag', (i) => i.target !== undefined && !i.target.startsWith('src/dag/'))).toEqual([]);
  });

  it('the planner and the topology language know nothing of the engine, the cloud or the front ends', () => {
    for (const dir of ['src/planner', 'src/topology']) {
      expect(violations(dir, (i) => /^src\/(engine|cloud|emulator|cli|app|bench|log)(\/|$)/.test(i.target ?? ''))).toEqual([]);
    }
  });

  it('step ids are taken apart only by parseStepId', () => {
    const splitters = files(join(ROOT, 'src')).filter((f) => /\.split\(\s*':'\s*\)/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(splitters).toEqual(['src/planner/step-ids.ts']);
  });

  it("the emulator is written independently of vpnbot's planner and engine", () => {
    expect(violations('src/emulator', (i) => /^src\/(planner|engine|reachability|cloud)(\/|$)/.test(i.target ?? ''))).toEqual([]);
  });

  it('the predictor is written independently of the emulator\'s data plane (two models that must agree)', () => {
    expect(violations('src/reachability', (i) => /^src\/(emulator|engine|cloud|probe|app|cli)(\/|$)/.test(i.target ?? ''))).toEqual([]);
  });

  it('storage/ never imports commands/', () => {
    expect(violations('storage', (i) => /^commands(\/|$)/.test(i.target ?? ''))).toEqual([]);
  });

  it('only config.ts reads process.env in src/', () => {
    const readers = files(join(ROOT, 'src')).filter((f) => /process\.env/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(readers).toEqual(['src/config.ts']);
  });
});
