#!/usr/bin/env node
/**
 * The build before `npm start` and `npm run demo`: `tsc` only when a source or the build settings
 * changed since the last build this script made. tsc costs about 10 s even when nothing changed
 * (5 s incrementally), most of the time to the console's prompt; an mtime scan costs milliseconds.
 * `npm run build` always builds.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const SOURCES = ['src', 'storage', 'commands'];
const SETTINGS = ['tsconfig.json', 'package.json', 'package-lock.json'];
const STAMP = join(root, 'dist', '.build-stamp');
const ENTRY = join(root, 'dist', 'commands', 'main.js');

/** The newest modification time under `path` (ms). */
function newest(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function stale() {
  if (!existsSync(ENTRY) || !existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return [...SOURCES, ...SETTINGS].some((p) => newest(join(root, p)) > built);
}

if (stale()) {
  // Stamped with the time the build began: a file saved during the build is built again next time.
  const began = new Date();
  process.stderr.write('Building (sources changed since the last build)...\n');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  writeFileSync(STAMP, '');
  utimesSync(STAMP, began, began);
}
