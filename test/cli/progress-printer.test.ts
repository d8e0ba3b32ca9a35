import { createProgressPrinter } from '../../commands/common/progress-printer';

describe('progress lines', () => {
  it('one line per outcome, notes shown, retries compact', () => {
    const lines: string[] = [];
    let t = 0;
    const print = createProgressPrinter(
      (l) => lines.push(l),
      () => t,
    );
    print({ type: 'run-started', runId: 'r', topology: 't', kind: 'apply', steps: 2, sandbox: true, resumed: false });
    print({ type: 'step-started', runId: 'r', stepId: 'a', kind: 'vpc', action: 'create' });
    print({
      type: 'step-retrying',
      runId: 'r',
      stepId: 'a',
      attempt: 1,
      delayMs: 1500,
      code: 'Throttling.User',
      message: 'slow',
    });
    t = 2500;
    print({ type: 'step-succeeded', runId: 'r', stepId: 'a', cloudId: 'vpc-1', note: 'mind this' });
    print({ type: 'step-failed', runId: 'r', stepId: 'b', code: 'X', message: 'b: broke', requestId: 'R1' });
    print({ type: 'run-finished', runId: 'r', status: 'failed', succeeded: 1, failed: 1, skipped: 0, cancelled: 0 });
    expect(lines).toEqual([
      'Starting apply r of "t": 2 steps (sandbox)',
      '  ~ a: Throttling.User, retry 1 in 1.5s',
      '  ok [1/2] a vpc-1 (2.5s)\n     note: mind this',
      '  FAILED [2/2] b: b: broke (request R1)',
      'Failed: 1 succeeded, 1 failed, 0 skipped, 0 cancelled.',
    ]);
  });
});
