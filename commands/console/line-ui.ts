/** The console without a terminal (a pipe, a script): plain lines, a line per step, no questions. */
import { createProgressPrinter } from '../common/progress-printer';
import type { ConsoleUi } from './console-session';

export function createLineUi(write: (text: string) => void, writeFile: ConsoleUi['writeFile']): ConsoleUi {
  return {
    print: (text) => write(`${text}\n`),
    progress: () => ({ onEvent: createProgressPrinter((l) => write(`${l}\n`)), end: () => undefined }),
    writeFile,
  };
}
