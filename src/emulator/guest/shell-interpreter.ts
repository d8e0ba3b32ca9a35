/**
 * The small bash the emulated instances run for Cloud Assistant: enough of the language for the
 * scripts an operator writes around ping (and vpnbot's matrix script) to behave as on Alibaba
 * Cloud Linux, with the same output and timing shape.
 *
 * Supported: one command per line or separated by `;`, `&&`, `||`; a trailing `&` runs the
 * and-or list before it in the background (`sleep 2 && ping ... &`) and `wait` waits for all of them; `NAME=value` and `$NAME`/`${NAME}` in words and
 * double quotes; `$(...)` command substitution; `>`, `>>`, `2>&1`, `2>/dev/null`; the commands
 * `ping` (through the data plane, printed as iputils prints it), `echo`, `cat`, `mktemp -d`,
 * `rm`, `sleep`, `true`, `false`, `wait`. Anything else is not found (exit 127), as on a host
 * without it. Files live in memory for the one run.
 */
import { echo } from '../network/data-plane';
import { admit, cloudSecondMs, PING_HEADER_BYTES } from '../network/link-budget';
import { parsePingArgs, renderPing, type Reply } from './ping-script';
import type { InstanceR, World } from '../state/world';

export interface ScriptRun {
  readonly output: string;
  readonly exitCode: number;
  /** How long the script takes on the instance, in real seconds. */
  readonly seconds: number;
}

interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  readonly seconds: number;
}

interface Shell {
  readonly w: World;
  readonly inst: InstanceR;
  /** When the script starts, in emulated seconds (what packets are timed by on the links they cross). */
  readonly startSecond: number;
  readonly vars: Map<string, string>;
  readonly files: Map<string, string>;
  /** Seconds since the script started. */
  clock: number;
  /** End times of background jobs not yet waited for. */
  jobs: number[];
  lastExit: number;
  line: number;
  tempCount: number;
}

/** `startAt`: when the script starts on the instance (world ms; now by default). */
export function runShellScript(
  world: World,
  inst: InstanceR,
  type: string,
  script: string,
  startAt: number = world.now(),
): ScriptRun {
  if (type !== 'RunShellScript') return { output: `${type} is not supported on Linux\n`, exitCode: 1, seconds: 0.1 };
  const sh: Shell = {
    w: world,
    inst,
    startSecond: startAt / cloudSecondMs(world),
    vars: new Map(),
    files: new Map(),
    clock: 0.05,
    jobs: [],
    lastExit: 0,
    line: 0,
    tempCount: 0,
  };
  let output = '';
  script.split('\n').forEach((text, i) => {
    sh.line = i + 1;
    for (const list of andOrLists(splitList(text))) output += runList(sh, list);
  });
  return { output, exitCode: sh.lastExit, seconds: sh.clock };
}

type Item = ReturnType<typeof splitList>[number];

/** Commands joined by `&&`/`||` into lists; a list ends at `;`, `&` or the end of the line. */
function andOrLists(items: readonly Item[]): Item[][] {
  const lists: Item[][] = [];
  for (const item of items) {
    const last = lists[lists.length - 1];
    if (last && item.op !== ';') last.push(item);
    else lists.push([item]);
  }
  return lists;
}

/**
 * Runs an and-or list. In the background (its last command ends with `&`) it runs on a clock of
 * its own from now: the script goes on at once, and `wait` waits for its end.
 */
function runList(sh: Shell, list: readonly Item[]): string {
  const background = list[list.length - 1]!.background;
  const start = sh.clock;
  let output = '';
  for (const { command, op } of list) {
    if (op === '&&' && sh.lastExit !== 0) continue;
    if (op === '||' && sh.lastExit === 0) continue;
    output += execute(sh, command);
  }
  if (background) {
    sh.jobs.push(sh.clock);
    sh.clock = start;
    sh.lastExit = 0;
  }
  return output;
}

/** A line's commands, each with the operator before it and whether it ends with `&`. */
function splitList(text: string): { command: string; background: boolean; op: ';' | '&&' | '||' }[] {
  const out: { command: string; background: boolean; op: ';' | '&&' | '||' }[] = [];
  let quote: string | null = null;
  let depth = 0;
  let buf = '';
  let op: ';' | '&&' | '||' = ';';
  const push = (background: boolean, next: ';' | '&&' | '||') => {
    if (buf.trim() !== '') out.push({ command: buf.trim(), background, op });
    buf = '';
    op = next;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      buf += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      buf += c;
    } else if (c === '$' && text[i + 1] === '(') {
      depth++;
      buf += '$(';
      i++;
    } else if (c === ')' && depth > 0) {
      depth--;
      buf += c;
    } else if (depth > 0) buf += c;
    else if (c === '#' && (buf === '' || /\s$/.test(buf))) break;
    else if (c === ';') push(false, ';');
    else if ((c === '&' || c === '|') && text[i + 1] === c) {
      push(false, c === '&' ? '&&' : '||');
      i++;
    } else if (c === '&' && text[i - 1] !== '>') push(true, ';');
    else buf += c;
  }
  push(false, ';');
  return out;
}

/** Words after expansion, quotes removed; `$(...)` runs its command in this shell. */
function words(sh: Shell, command: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  const add = (s: string) => (word = (word ?? '') + s);
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      add(command.slice(i + 1, end < 0 ? undefined : end));
      i = end < 0 ? command.length : end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < command.length && command[j] !== '"') {
        if (command[j] === '\\' && j + 1 < command.length) {
          s += command[j + 1];
          j += 2;
        } else if (command[j] === '$') {
          const [value, next] = expand(sh, command, j);
          s += value;
          j = next;
        } else s += command[j++];
      }
      add(s);
      i = j;
    } else if (c === '$') {
      const [value, next] = expand(sh, command, i);
      add(value);
      i = next - 1;
    } else add(c);
  }
  if (word !== null) out.push(word);
  return out;
}

/** Expands the `$` at `i`: returns the value and the index after it. */
function expand(sh: Shell, s: string, i: number): [string, number] {
  if (s[i + 1] === '(') {
    let depth = 1;
    let j = i + 2;
    for (; j < s.length && depth > 0; j++) {
      if (s[j] === '(') depth++;
      else if (s[j] === ')') depth--;
    }
    const inner = s.slice(i + 2, j - 1);
    const r = run(sh, words(sh, inner));
    return [r.stdout.replace(/\n+$/, ''), j];
  }
  if (s[i + 1] === '?') return [String(sh.lastExit), i + 2];
  const braced = s[i + 1] === '{';
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + (braced ? 2 : 1)));
  if (!m) return ['$', i + 1];
  return [sh.vars.get(m[0]) ?? '', i + (braced ? 3 : 1) + m[0].length];
}

/** Runs one command with its redirections; returns what reaches the script's output. */
function execute(sh: Shell, command: string): string {
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(command);
  if (assignment) {
    sh.vars.set(assignment[1]!, words(sh, assignment[2]!).join(' '));
    sh.lastExit = 0;
    return '';
  }
  const all = words(sh, command);
  let stdoutTo: { path: string; append: boolean } | 'null' | undefined;
  let stderrTo: 'stdout' | 'null' | undefined;
  const argv: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const t = all[i]!;
    if (t === '2>&1') stderrTo = 'stdout';
    else if (t === '2>/dev/null') stderrTo = 'null';
    else if (t === '>' || t === '>>')
      stdoutTo = all[i + 1] === '/dev/null' ? 'null' : { path: all[++i] ?? '', append: t === '>>' };
    else if (/^>>?\S/.test(t))
      stdoutTo =
        t.replace(/^>>?/, '') === '/dev/null' ? 'null' : { path: t.replace(/^>>?/, ''), append: t.startsWith('>>') };
    else argv.push(t);
  }
  const r = run(sh, argv);
  const out = stderrTo === 'stdout' ? r.stdout + r.stderr : r.stdout;
  const err = stderrTo === undefined ? r.stderr : '';
  // Standard output goes to a file, to /dev/null, or to the script's output; unredirected errors to the output.
  if (stdoutTo !== undefined && stdoutTo !== 'null')
    sh.files.set(stdoutTo.path, (stdoutTo.append ? (sh.files.get(stdoutTo.path) ?? '') : '') + out);
  sh.clock += r.seconds;
  sh.lastExit = r.exitCode;
  return stdoutTo === undefined ? out + err : err;
}

const ok = (stdout = '', seconds = 0.001): CommandResult => ({ stdout, stderr: '', exitCode: 0, seconds });
const fail = (stderr: string, exitCode = 1): CommandResult => ({ stdout: '', stderr, exitCode, seconds: 0.001 });

function run(sh: Shell, argv: readonly string[]): CommandResult {
  const [name, ...args] = argv;
  if (name === undefined) return ok();
  switch (name.replace(/^\/(usr\/)?s?bin\//, '')) {
    case 'ping':
      return ping(sh, args);
    case 'echo': {
      const noNewline = args[0] === '-n';
      return ok(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
    }
    case 'cat': {
      let stdout = '';
      for (const path of args) {
        const content = sh.files.get(path);
        if (content === undefined)
          return { stdout, stderr: `cat: ${path}: No such file or directory\n`, exitCode: 1, seconds: 0.001 };
        stdout += content;
      }
      return ok(stdout);
    }
    case 'mktemp':
      return ok(`/tmp/tmp.${sh.inst.id.slice(-4)}${String(++sh.tempCount).padStart(6, '0')}\n`);
    case 'rm':
      for (const path of args.filter((a) => !a.startsWith('-')))
        for (const f of [...sh.files.keys()]) if (f === path || f.startsWith(`${path}/`)) sh.files.delete(f);
      return ok();
    case 'sleep': {
      const s = Number(args[0]);
      return Number.isFinite(s) && s >= 0 ? ok('', s) : fail(`sleep: invalid time interval '${args[0] ?? ''}'\n`);
    }
    case 'true':
    case ':':
      return ok();
    case 'false':
      return fail('');
    case 'wait': {
      const until = Math.max(sh.clock, ...sh.jobs);
      sh.jobs = [];
      return ok('', until - sh.clock);
    }
    default:
      return fail(`bash: line ${sh.line}: ${name}: command not found\n`, 127);
  }
}

function ping(sh: Shell, args: readonly string[]): CommandResult {
  const parsed = parsePingArgs(args);
  if (parsed.kind === 'usage') return fail(`${parsed.message}\n`, 2);
  const { spec } = parsed;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(spec.destination))
    return fail(`ping: ${spec.destination}: Name or service not known\n`, 2);
  // Each echo and its reply spend the bandwidth of the inter-region connections they cross, at the moment they cross.
  const bits = (spec.size + PING_HEADER_BYTES) * 8;
  const replies: Reply[] = Array.from({ length: spec.count }, (_, i) => {
    const e = echo(sh.w, sh.inst, spec.destination);
    if (!e.reply || !e.crossings) return e.reply;
    const sent = sh.startSecond + sh.clock + i * spec.interval;
    const there = admit(sh.w, e.crossings.there, sent, bits);
    return there && admit(sh.w, e.crossings.back, sent + e.crossings.thereMs / 1000, bits) ? e.reply : null;
  });
  const r = renderPing(spec, replies, 4 + Math.floor(sh.w.random() * 6));
  return { stdout: r.output, stderr: '', exitCode: r.exitCode, seconds: r.seconds };
}
