/**
 * Every way vpnbot's long-running process starts gives V8 the same flags (src/node-flags.ts), the
 * ones the apply benchmark measures with: a launch point that drops them runs with another memory
 * profile than the one docs/benchmarks.md reports.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS } from '../../src/node-flags';

const ROOT = join(__dirname, '..', '..');
const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');
const flags = NODE_FLAGS.join(' ');

describe('the V8 flags of the running bot', () => {
  it('are on every launch point: npm start and demo, the binary, the image, the systemd unit', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(`node ${flags} dist/commands/main.js start`);
    expect(scripts.demo).toBe(`node ${flags} dist/commands/main.js demo`);
    expect(read('commands', 'main.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
    expect(read('Dockerfile')).toContain(
      `CMD ${JSON.stringify(['node', ...NODE_FLAGS, 'dist/commands/main.js', 'serve']).replaceAll(',', ', ')}`,
    );
    expect(read('deploy', 'vpnbot.service')).toContain(`ExecStart=/usr/bin/node ${flags} dist/commands/main.js serve`);
  });

  it('take effect: the young generation stays within them where V8 would otherwise grow it', () => {
    // A million young objects that survive: V8 grows the new space to its limit.
    const newSpace = (args: readonly string[]) =>
      Number(
        spawnSync(
          process.execPath,
          [
            ...args,
            '-e',
            "const a = []; for (let i = 0; i < 1e6; i++) a.push({ i }); console.log(require('v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size)",
          ],
          { encoding: 'utf8' },
        ).stdout.trim(),
      );
    const semi = Number(/--max-semi-space-size=(\d+)/.exec(flags)![1]) * 2 ** 20;
    expect(newSpace([])).toBeGreaterThan(2 * semi);
    expect(newSpace(NODE_FLAGS)).toBeLessThanOrEqual(2 * semi);
  });
});
