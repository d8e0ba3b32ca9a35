/**
 * One progress message per run, edited in place: engine events update the state at once, and the
 * message is rewritten at most once every `intervalMs` (Slack asks for 3 s), coalescing whatever
 * happened in between. The final state is always written, after any edit still in flight.
 */
import type { EngineEvent } from '../../src/engine/engine-events';
import type { SlackMessage } from './blocks';

export interface ProgressState {
  readonly topology: string;
  readonly kind: string;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  readonly running: Set<string>;
  readonly retrying: Map<string, string>;
  readonly failures: { stepId: string; code: string; message: string; requestId?: string }[];
  readonly notes: string[];
  startedAt: number;
  finished?: 'succeeded' | 'failed' | 'cancelled';
  resumed: boolean;
  /** The cloud side is done and these on-premises sites' devices are awaited: the run ends waiting, not done. */
  waitingFor?: readonly string[];
}

export function newProgressState(topology: string, kind: string, now: number): ProgressState {
  return {
    topology,
    kind,
    total: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    running: new Set(),
    retrying: new Map(),
    failures: [],
    notes: [],
    startedAt: now,
    resumed: false,
  };
}

export function applyEvent(state: ProgressState, event: EngineEvent): void {
  switch (event.type) {
    case 'run-started':
      state.total = event.steps;
      state.resumed = event.resumed;
      break;
    case 'step-started':
      state.running.add(event.stepId);
      break;
    case 'step-retrying':
      state.retrying.set(event.stepId, event.code);
      break;
    case 'step-succeeded':
      state.running.delete(event.stepId);
      state.retrying.delete(event.stepId);
      state.succeeded++;
      if (event.note) state.notes.push(`${event.stepId}: ${event.note}`);
      break;
    case 'step-failed':
      state.running.delete(event.stepId);
      state.retrying.delete(event.stepId);
      state.failed++;
      state.failures.push({
        stepId: event.stepId,
        code: event.code,
        message: event.message,
        ...(event.requestId ? { requestId: event.requestId } : {}),
      });
      break;
    case 'step-skipped':
      state.skipped++;
      break;
    case 'run-note':
      state.notes.push(event.note);
      break;
    case 'step-cancelled':
      state.cancelled++;
      break;
    case 'run-finished':
      state.finished = event.status === 'running' ? undefined : event.status;
      state.running.clear();
      break;
    default:
      break;
  }
}

const bar = (done: number, total: number, width = 20) => {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
};
const clock = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, '0')}`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderProgress(state: ProgressState, now: number, sandbox: boolean): SlackMessage {
  const done = state.succeeded + state.failed + state.skipped + state.cancelled;
  const verb = state.kind === 'destroy' ? 'Destroying' : state.kind === 'rotate' ? 'Rotating the keys of' : 'Applying';
  const waiting = state.finished === 'succeeded' && state.waitingFor?.length ? state.waitingFor : undefined;
  const title = waiting
    ? `:satellite_antenna: Waiting for ${waiting.map((s) => `${esc(s)}'s`).join(' and ')} device${waiting.length > 1 ? 's' : ''}: the cloud side of *${esc(state.topology)}* is done`
    : state.finished
      ? `${state.finished === 'succeeded' ? ':white_check_mark: Done' : state.finished === 'failed' ? ':x: Failed' : ':double_vertical_bar: Cancelled'}: ${state.kind} of *${esc(state.topology)}*`
      : `:hourglass_flowing_sand: ${verb} *${esc(state.topology)}*${state.resumed ? ' (resumed after a restart)' : ''}`;
  const lines = [
    `${title}${sandbox ? ' [sandbox]' : ''}`,
    `\`${bar(done, state.total)}\` ${done}/${state.total} steps · ${clock(now - state.startedAt)}`,
    `${state.succeeded} succeeded, ${state.failed} failed, ${state.skipped} skipped${state.cancelled ? `, ${state.cancelled} cancelled` : ''}`,
  ];
  if (!state.finished && state.running.size > 0)
    lines.push(
      `Now: ${[...state.running]
        .slice(0, 6)
        .map((x) => `\`${esc(x)}\``)
        .join(', ')}${state.running.size > 6 ? ` and ${state.running.size - 6} more` : ''}`,
    );
  if (!state.finished && state.retrying.size > 0)
    lines.push(
      `:repeat: retrying: ${[...state.retrying]
        .slice(0, 4)
        .map(([id, code]) => `\`${esc(id)}\` (${esc(code)})`)
        .join(', ')}`,
    );
  for (const f of state.failures.slice(0, 3))
    lines.push(
      `:x: \`${esc(f.stepId)}\`: ${esc(f.message).slice(0, 300)} \`${esc(f.code)}\`${f.requestId ? ` request ${esc(f.requestId)}` : ''}`,
    );
  // The latest notes: what the run says last is what matters now.
  for (const n of state.notes.slice(-4)) lines.push(`:information_source: ${esc(n).slice(0, 300)}`);
  const text = lines.join('\n');
  // The text is what notifications and screen readers show: it follows the state to its end.
  const outcome = { succeeded: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as const;
  return {
    text: waiting
      ? `Waiting for ${waiting.join(' and ')}: ${esc(state.topology)}'s cloud side is done`
      : state.finished
        ? `${outcome[state.finished]}: ${state.kind} of ${esc(state.topology)}, ${done}/${state.total} steps (${state.succeeded} succeeded, ${state.failed} failed)`
        : `${verb} ${esc(state.topology)}: ${done}/${state.total} steps`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2900) } }],
  };
}

export interface ProgressMessageOptions {
  readonly intervalMs: number;
  readonly sandbox: boolean;
  /** Rewrites the message; may throw (rate limit, outage): the next tick tries again. */
  readonly update: (message: SlackMessage) => Promise<void>;
  readonly now?: () => number;
  readonly onError?: (e: unknown) => void;
}

export class ProgressMessage {
  private dirty = false;
  private lastWrite = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    readonly state: ProgressState,
    private readonly o: ProgressMessageOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** An engine listener: cheap, never throws; the write happens on the next allowed tick. */
  readonly onEvent = (e: EngineEvent): void => {
    applyEvent(this.state, e);
    this.dirty = true;
    this.schedule();
  };

  private schedule(): void {
    if (this.timer || this.state.finished) return;
    const wait = Math.max(0, this.lastWrite + this.o.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
    this.timer.unref();
  }

  private write(): Promise<void> {
    if (!this.dirty) return this.inFlight;
    this.dirty = false;
    this.lastWrite = this.now();
    const message = renderProgress(this.state, this.now(), this.o.sandbox);
    this.inFlight = this.inFlight.then(() =>
      this.o.update(message).catch((e: unknown) => {
        this.dirty = true;
        this.o.onError?.(e);
        if (!this.state.finished) this.schedule();
      }),
    );
    return this.inFlight;
  }

  /** Ends the message with words instead of a state (nothing was run after all). */
  async close(text: string): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.state.finished = 'cancelled';
    await this.inFlight;
    await this.o
      .update({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })
      .catch((e: unknown) => this.o.onError?.(e));
  }

  /** Writes the final state (after any edit in flight), trying a few times: it must not be lost. */
  async finish(attempts = 5): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    for (let i = 0; i < attempts; i++) {
      try {
        await this.o.update(renderProgress(this.state, this.now(), this.o.sandbox));
        return;
      } catch (e) {
        this.o.onError?.(e);
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** i)));
      }
    }
  }
}
