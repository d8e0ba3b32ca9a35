/**
 * The documentation states what the code does: its tables are checked against the code, the README
 * stays a page a newcomer reads whole, and no link in it or in docs/ leads nowhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ENV_SCHEMA } from '../src/config';
import { ERROR_CODES } from '../src/errors';

const ROOT = join(__dirname, '..');
/** The configuration and error-code tables live in the operations page. */
const OPERATIONS = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');

describe('docs/operations.md', () => {
  it('lists every error code with its hint', () => {
    for (const [code, { hint }] of Object.entries(ERROR_CODES))
      expect(OPERATIONS).toContain(
        `| \`${code}\` | ${ERROR_CODES[code as keyof typeof ERROR_CODES].userFixable ? 'the requester' : 'an operator'} | ${hint} |`,
      );
  });

  it('has a row for every variable the code reads, with the default the code applies', () => {
    const start = OPERATIONS.indexOf('## Configuration');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = OPERATIONS.indexOf('\n## ', start + 5);
    const table = OPERATIONS.slice(start, end === -1 ? undefined : end);
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    for (const [name, field] of Object.entries(ENV_SCHEMA.shape)) {
      const row = rows.find((r) => r.split(' | ')[0]!.includes(`\`${name}\``));
      expect({ name, row: row !== undefined }).toEqual({ name, row: true });
      const def = (field as unknown as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
      if (def.type === 'default')
        expect({ name, default: row!.split(' | ').at(-1)!.replace(/ \|$/, '') }).toEqual({
          name,
          default: expect.stringContaining(String(def.defaultValue)),
        });
    }
  });

  it('names every configuration variable the code reads', () => {
    const config = readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8');
    const vars = [...config.matchAll(/^\s{2}((?:VPNBOT|ALIBABA_CLOUD)_[A-Z_]+):/gm)].map((m) => m[1]!);
    expect(vars.length).toBeGreaterThan(5);
    for (const v of vars) expect(OPERATIONS).toContain(`\`${v}\``);
  });
});

/** Lines of README.md a newcomer reads whole; everything else belongs in docs/. */
const README_MAX_LINES = 150;

/** The Markdown pages whose links are checked: the README and every page of docs/. */
function pages(): { file: string; text: string }[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join('docs', f));
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

/** Link targets of `[text](target)` and `![alt](target)`, outside code blocks and code spans. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-'),
    ),
  );
}

describe('README.md and docs/', () => {
  it(`keeps the README under ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    expect(lines.length).toBeLessThan(README_MAX_LINES);
  });

  it('finds the links it checks', () => {
    const all = pages().flatMap((p) => linkTargets(p.text));
    expect(all).toContain('docs/operations.md');
    expect(all.length).toBeGreaterThan(20);
  });

  it('links only to files that exist in the repository, and to headings that exist in them', () => {
    const broken: string[] = [];
    for (const { file, text } of pages()) {
      for (const target of linkTargets(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : join(dirname(file), decodeURI(path));
        if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved))) {
          broken.push(`${file}: ${target} (no file ${resolved} in the repository)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(join(ROOT, resolved), 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
