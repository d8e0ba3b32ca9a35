/** Engine events as terminal lines, one per step outcome; retries and waits are shown compactly. */
import type { EngineEvent, EngineListener } from '../../src/engine/engine-events';

export function createProgressPrinter(write: (line: string) => void, now: () => number = Date.now): EngineListener {
  const started = new Map<string, number>();
  let total = 0;
  let done = 0;
  const secs = (id: string) => `${((now() - (started.get(id) ?? now())) / 1000).toFixed(1)}s`;
  return (e: EngineEvent) => {
    switch (e.type) {
      case 'run-started':
        total = e.steps;
        done = 0;
        write(
          `${e.resumed ? 'Resuming' : 'Starting'} ${e.kind} ${e.runId} of "${e.topology}": ${e.steps} steps${e.sandbox ? ' (sandbox)' : ''}`,
        );
        break;
      case 'step-started':
        started.set(e.stepId, now());
        break;
      case 'step-retrying':
        write(`  ~ ${e.stepId}: ${e.code}, retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)}s`);
        break;
      case 'step-waiting':
        break;
      case 'step-succeeded':
        done++;
        write(
          `  ok [${done}/${total}] ${e.stepId} ${e.cloudId} (${secs(e.stepId)})${e.note ? `\n     note: ${e.note}` : ''}`,
        );
        break;
      case 'step-failed':
        done++;
        write(`  FAILED [${done}/${total}] ${e.stepId}: ${e.message}${e.requestId ? ` (request ${e.requestId})` : ''}`);
        break;
      case 'step-skipped':
        done++;
        write(`  skipped ${e.stepId} (because ${e.because} failed)`);
        break;
      case 'step-cancelled':
        write(`  cancelled ${e.stepId}`);
        break;
      case 'run-note':
        write(`  - ${e.note}`);
        break;
      case 'run-finished':
        write(
          `${e.status === 'succeeded' ? 'Done' : e.status === 'failed' ? 'Failed' : 'Cancelled'}: ${e.succeeded} succeeded, ${e.failed} failed, ${e.skipped} skipped, ${e.cancelled} cancelled.`,
        );
        break;
    }
  };
}
