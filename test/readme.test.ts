/** The documentation states what the code does: its tables are checked against the code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_SCHEMA } from '../src/config';
import { ERROR_CODES } from '../src/errors';

const ROOT = join(__dirname, '..');
/** The configuration and error-code tables live in the operations page. */
const OPERATIONS = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');

describe('docs/operations.md', () => {
  it('lists every error code with its hint', () => {
    for (const [code, { hint }] of Object.entries(ERROR_CODES)) expect(OPERATIONS).toContain(`| \`${code}\` | ${ERROR_CODES[code as keyof typeof ERROR_CODES].userFixable ? 'the requester' : 'an operator'} | ${hint} |`);
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
      if (def.type === 'default') expect({ name, default: row!.split(' | ').at(-1)!.replace(/ \|$/, '') }).toEqual({ name, default: expect.stringContaining(String(def.defaultValue)) });
    }
  });

  it('names every configuration variable the code reads', () => {
    const config = readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8');
    const vars = [...config.matchAll(/^\s{2}((?:VPNBOT|ALIBABA_CLOUD)_[A-Z_]+):/gm)].map((m) => m[1]!);
    expect(vars.length).toBeGreaterThan(5);
    for (const v of vars) expect(OPERATIONS).toContain(`\`${v}\``);
  });
});
