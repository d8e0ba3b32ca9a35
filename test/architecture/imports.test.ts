/** The import directions of docs/architecture.md, read off the source. */
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
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) =>
    spec.startsWith('.') ? { spec, target: relative(ROOT, resolve(dirname(file), spec)) } : { spec },
  );
}

const all = (dir: string) => files(join(ROOT, dir)).map((f) => ({ file: relative(ROOT, f), imports: importsOf(f) }));
const violations = (dir: string, bad: (i: { spec: string; target?: string }, file: string) => boolean) =>
  all(dir).flatMap(({ file, imports }) => imports.filter((i) => bad(i, file)).map((i) => `${file} -> ${i.spec}`));

/**
 * The folder a file belongs to in the dependency picture: `src/<part>`, `commands/<front end>`,
 * `storage`; a file directly under src/ or commands/ is a node of its own.
 */
function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'storage') return 'storage';
  if (parts[0] === 'src' && parts[1] === 'emulator') return parts.slice(0, parts.length > 3 ? 3 : 2).join('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path;
}

/** Folder -> the folders its files import (relative imports only, without itself). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const dir of ['src', 'storage', 'commands']) {
    for (const { file, imports } of all(dir)) {
      const from = folderOf(file);
      const edges = graph.get(from) ?? new Set<string>();
      graph.set(from, edges);
      for (const i of imports) {
        if (i.target === undefined) continue;
        const to = folderOf(`${i.target}${i.target.endsWith('.ts') ? '' : '.ts'}`.replace(/\/index\.ts$/, ''));
        if (to !== from) edges.add(to);
      }
    }
  }
  return graph;
}

/** The cycles of a graph, each as the path that closes it (Tarjan would say which components; one path each is enough to fix). */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m].join(' -> '));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

describe('import directions', () => {
  it('finds the imports it checks', () => {
    expect(all('src').length).toBeGreaterThan(30);
    expect(
      all('src')
        .flatMap((f) => f.imports)
        .some((i) => i.spec === '@alicloud/vpc20160428'),
    ).toBe(true);
  });

  it('src/ never imports commands/, storage/, Slack or SQLite', () => {
    expect(
      violations(
        'src',
        (i) =>
          /^(commands|storage)(\/|$)/.test(i.target ?? '') ||
          i.spec.startsWith('@slack/') ||
          i.spec === 'better-sqlite3',
      ),
    ).toEqual([]);
  });

  it('only src/cloud/alibaba/ imports the Alibaba SDKs', () => {
    expect(
      violations('src', (i, file) => /^@(alicloud|darabonba)\//.test(i.spec) && !file.startsWith('src/cloud/alibaba/')),
    ).toEqual([]);
    expect(violations('storage', (i) => /^@(alicloud|darabonba)\//.test(i.spec))).toEqual([]);
  });

  it('no folder imports another that imports it back, however far round', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(15);
    expect(cycles(graph)).toEqual([]);
  });

  it('only commands/slack/ imports Slack', () => {
    for (const dir of ['src', 'storage', 'commands'])
      expect(violations(dir, (i, file) => i.spec.startsWith('@slack/') && !file.startsWith('commands/slack/'))).toEqual(
        [],
      );
  });

  it('the console never imports the CLI, and neither imports the Slack app', () => {
    expect(violations('commands/console', (i) => /^commands\/(cli|slack)(\/|$)/.test(i.target ?? ''))).toEqual([]);
    expect(violations('commands/cli', (i) => /^commands\/(console|slack)(\/|$)/.test(i.target ?? ''))).toEqual([]);
    expect(violations('commands/slack', (i) => /^commands\/(console|cli)(\/|$)/.test(i.target ?? ''))).toEqual([]);
  });

  it('front ends reach the store only through src/app (no storage, no engine store, no `.store.`)', () => {
    for (const dir of ['commands/slack', 'commands/console', 'commands/cli']) {
      // Types of the engine's values (events, a run's thread) are words front ends render; its store and engine are not theirs.
      expect(violations(dir, (i) => /^storage(\/|$)/.test(i.target ?? ''))).toEqual([]);
      const engineValues = files(join(ROOT, dir)).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/^import (?!type )[^;]*from '[./]*src\/engine\/[^']+';/gm)].map(
          (m) => `${relative(ROOT, f)}: ${m[0]}`,
        ),
      );
      expect(engineValues).toEqual([]);
      const touching = files(join(ROOT, dir))
        .filter((f) => /\.store\./.test(readFileSync(f, 'utf8')))
        .map((f) => relative(ROOT, f));
      expect(touching).toEqual([]);
    }
  });

  it('src/dag/ imports no domain code', () => {
    expect(violations('src/dag', (i) => i.target !== undefined && !i.target.startsWith('src/dag/'))).toEqual([]);
  });

  it('the planner and the topology language know nothing of the engine, the cloud or the front ends', () => {
    for (const dir of ['src/planner', 'src/topology']) {
      expect(
        violations(dir, (i) => /^(src\/(engine|cloud|emulator|app|bench|log)|commands)(\/|$)/.test(i.target ?? '')),
      ).toEqual([]);
    }
  });

  it('step ids are taken apart only by parseStepId', () => {
    const splitters = files(join(ROOT, 'src'))
      .filter((f) => /\.split\(\s*':'\s*\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(splitters).toEqual(['src/planner/step-ids.ts']);
  });

  it("the emulator is written independently of vpnbot's planner and engine", () => {
    expect(
      violations('src/emulator', (i) => /^src\/(planner|engine|reachability|cloud)(\/|$)/.test(i.target ?? '')),
    ).toEqual([]);
  });

  it("the predictor is written independently of the emulator's data plane (two models that must agree)", () => {
    expect(
      violations('src/reachability', (i) =>
        /^(src\/(emulator|engine|cloud|probe|app)|commands)(\/|$)/.test(i.target ?? ''),
      ),
    ).toEqual([]);
  });

  it('storage/ never imports commands/', () => {
    expect(violations('storage', (i) => /^commands(\/|$)/.test(i.target ?? ''))).toEqual([]);
  });

  it('only config.ts reads process.env in src/', () => {
    const readers = files(join(ROOT, 'src'))
      .filter((f) => /process\.env/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(readers).toEqual(['src/config.ts']);
  });
});
