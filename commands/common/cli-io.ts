/** What a CLI command may touch, passed in so tests run commands as plain functions. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads standard input to the end (for `-` as a file name). */
  readonly readStdin: () => Promise<string>;
  readonly readFile: (path: string) => Promise<string>;
  /** Writes a file (the heat map PNG), creating its directory; owner-only (0600) for one that holds secrets. */
  readonly writeFile: (path: string, data: Uint8Array, options?: { ownerOnly?: boolean }) => Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Asks a yes/no question on the terminal; resolves false when there is no terminal. */
  readonly confirm: (question: string) => Promise<boolean>;
  /** Standard input line by line, to its end (the console in a pipe). */
  readonly lines: () => AsyncIterable<string>;
  /** The terminal, when both standard input and output are one (the interactive console). */
  readonly terminal?: NodeJS.WriteStream;
  /**
   * Resolves at the first SIGINT/SIGTERM. Reading it says the command handles that signal itself
   * (stops taking work, then returns); a command that never reads it is ended at once by it. The
   * second signal always ends the process.
   */
  readonly interrupted: Promise<void>;
}

export type CliCommand = (args: readonly string[], io: CliIo) => Promise<number>;
