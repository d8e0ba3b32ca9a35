/**
 * The console on a terminal: the plan's buttons as a select prompt (enquirer), a live progress bar
 * while a run goes (cli-progress), and the command prompt itself (enquirer's input). Maintained
 * libraries draw everything; no escape codes are written here.
 */
import { SingleBar } from 'cli-progress';
import Enquirer from 'enquirer';
import type { EngineEvent } from '../../src/engine/engine-events';
import type { ConsoleUi } from './console-session';

interface Prompt {
  run(): Promise<string>;
}
type PromptClass = new (options: Record<string, unknown>) => Prompt;
const prompts = Enquirer as unknown as { Select: PromptClass; Input: PromptClass };
/** Enquirer's key bindings (a prompt's `actions.keys` replaces them whole, so one is changed on a copy). */
const KEY_ACTIONS = (require('enquirer/lib/combos') as { keys: Record<string, string> }).keys;

export interface TerminalUi extends ConsoleUi {
  /** The next command line; undefined when the user ends input (Ctrl-D / Ctrl-C at the prompt). */
  ask(prompt: string): Promise<string | undefined>;
}

export function createTerminalUi(stdout: NodeJS.WriteStream, writeFile: ConsoleUi['writeFile']): TerminalUi {
  return {
    print: (text) => void stdout.write(`${text}\n`),
    writeFile,
    async choose(message, choices) {
      try {
        return await new prompts.Select({
          message,
          choices: choices.map((c) => ({ name: c.value, message: c.label })),
          stdout,
        }).run();
      } catch {
        return 'later';
      }
    },
    async ask(prompt) {
      try {
        // Escape beeps instead of cancelling: only Ctrl-C (or /quit) leaves the console.
        return await new prompts.Input({
          message: prompt,
          stdout,
          actions: { keys: { ...KEY_ACTIONS, escape: 'alert' } },
        }).run();
      } catch {
        return undefined;
      }
    },
    progress() {
      const bar = new SingleBar({
        format: '{bar} {value}/{total} steps | {elapsed}s | {running}',
        stream: stdout,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
        etaBuffer: 20,
      });
      const started = Date.now();
      const running = new Set<string>();
      let started_ = false;
      let done = 0;
      const render = () =>
        bar.update(done, {
          running: [...running].slice(0, 2).join(', ') + (running.size > 2 ? ` +${running.size - 2}` : ''),
          elapsed: ((Date.now() - started) / 1000).toFixed(1),
        });
      const lines: string[] = [];
      return {
        onEvent(e: EngineEvent) {
          switch (e.type) {
            case 'run-started':
              started_ = true;
              bar.start(e.steps, 0, { running: '', elapsed: '0.0' });
              break;
            case 'step-started':
              running.add(e.stepId);
              break;
            case 'step-succeeded':
            case 'step-skipped':
            case 'step-cancelled':
              running.delete(e.stepId);
              done++;
              break;
            case 'step-failed':
              running.delete(e.stepId);
              done++;
              lines.push(`failed ${e.stepId}: ${e.message}`);
              break;
            case 'run-note':
              lines.push(`- ${e.note}`);
              return;
            case 'run-finished':
              lines.push(
                `${e.status}: ${e.succeeded} succeeded, ${e.failed} failed, ${e.skipped} skipped, ${e.cancelled} cancelled`,
              );
              break;
            default:
              return;
          }
          if (started_) render();
        },
        end() {
          if (started_) {
            render();
            bar.stop();
          }
          for (const l of lines) stdout.write(`${l}\n`);
        },
      };
    },
  };
}
