/**
 * Jest global setup: type-check and build once before any test, so tests that spawn the binary
 * (dist/commands/main.js) never run a stale build after an edit. Incremental: a rebuild with no
 * change takes a moment. A type error fails the whole run, as `npm test` always did.
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const root = join(__dirname, '..');
  try {
    // Incremental with its own build-info file: a plain `tsc --noEmit` elsewhere never marks files as built.
    const args = [
      '-p',
      join(root, 'tsconfig.json'),
      '--incremental',
      '--tsBuildInfoFile',
      join(root, 'dist', '.tsbuildinfo-test'),
    ];
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    throw new Error(`the build failed, so no test ran:\n${out}`);
  }
};
