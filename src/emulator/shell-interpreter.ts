/**
 * The small shell the emulated instances run: the `ping` lines of a script (parsed by
 * ping-script.ts) are sent through the data plane and answered as iputils prints them; any other
 * command is not found (exit 127), as on a host without it.
 */
import { echo } from './data-plane';
import { parseScript, renderPing, type Reply } from './ping-script';
import type { InstanceR, World } from './world';

export interface ScriptRun {
  readonly output: string;
  readonly exitCode: number;
  /** How long the script takes on the instance, in real seconds. */
  readonly seconds: number;
}

export function runShellScript(w: World, inst: InstanceR, type: string, script: string): ScriptRun {
  if (type !== 'RunShellScript') return { output: `${type} is not supported on Linux\n`, exitCode: 1, seconds: 0.1 };
  let output = '';
  let exitCode = 0;
  let seconds = 0.05;
  for (const cmd of parseScript(script)) {
    if (cmd.kind === 'not-found') {
      output += `bash: line ${cmd.line}: ${cmd.name}: command not found\n`;
      exitCode = 127;
    } else if (cmd.kind === 'usage') {
      output += `${cmd.message}\n`;
      exitCode = 2;
    } else if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(cmd.spec.destination)) {
      output += `ping: ${cmd.spec.destination}: Name or service not known\n`;
      exitCode = 2;
    } else {
      const replies: Reply[] = Array.from({ length: cmd.spec.count }, () => echo(w, inst, cmd.spec.destination).reply);
      const run = renderPing(cmd.spec, replies, 4 + Math.floor(w.random() * 6));
      output += run.output;
      exitCode = run.exitCode;
      seconds += run.seconds;
    }
  }
  return { output, exitCode, seconds };
}
