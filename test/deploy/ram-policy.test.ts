/**
 * deploy/ram-policy.json grants exactly the actions vpnbot calls: the same set as the drivers' calls
 * (read from the source), and covering every action the emulator recorded during a full cycle
 * (apply, ping matrix, destroy) through the real drivers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { measureAfterApply } from '../../src/app/ping-use-cases';
import { decidePlan, proposeKnown, proposeTopology } from '../../src/app/use-cases';
import { runToEnd } from '../../src/app/run-to-end';
import { realPacing } from '../../src/engine/retry-policy';
import { createLogger } from '../../src/log/create-logger';
import { startHarness, TIME_SCALE } from '../helpers/engine-harness';

const ROOT = join(__dirname, '..', '..');
const policy = JSON.parse(readFileSync(join(ROOT, 'deploy', 'ram-policy.json'), 'utf8')) as {
  Version: string;
  Statement: { Effect: string; Action: string[]; Resource: string }[];
};
const granted = policy.Statement.flatMap((s) => s.Action);

/** `product:Action` for every `ctx.call('Action', ... ctx.clients.product` in the Alibaba adapter. */
function calledInSource(): string[] {
  const dir = join(ROOT, 'src', 'cloud', 'alibaba');
  const out = new Set<string>();
  for (const f of readdirSync(dir)) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(
      /call\('(\w+)',[\s\S]*?clients\s*\.\s*(vpc|ecs|cen)(?:Form)?\b/g,
    ))
      out.add(`${m[2]}:${m[1]}`);
  }
  return [...out].sort();
}

describe('the RAM policy', () => {
  it('is one Allow statement of exactly the actions the drivers call', () => {
    expect(policy.Version).toBe('1');
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: '*' })]);
    expect(calledInSource().length).toBeGreaterThan(40);
    expect([...granted].sort()).toEqual(calledInSource());
  });

  it('covers every action called during apply, the ping matrix and destroy (recorded by the emulator)', async () => {
    const h = await startHarness();
    try {
      const s: AppServices = {
        store: h.store,
        cloud: h.cloud,
        engine: h.engine,
        pacing: realPacing(TIME_SCALE * 4),
        sandbox: true,
        logger: createLogger('silent'),
        close: async () => undefined,
      };
      const self = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
      const run = async (p: Awaited<ReturnType<typeof proposeKnown>>) => {
        if (!p.ok) throw new Error('no plan');
        const d = await decidePlan(s, {
          planId: p.proposal.record.id,
          actor: 'U1',
          decision: 'approve',
          now: Date.now(),
          policy: self,
        });
        if (!d.ok) throw new Error(d.reason);
        expect((await runToEnd(s, d.record)).result.status).toBe('succeeded');
      };
      await run(
        await proposeTopology(
          s,
          { text: 'seed', form: 'line' },
          { ipsecConnectionQuota: 10 },
          { requester: 'U1', now: Date.now(), policy: self },
        ),
      );
      expect((await measureAfterApply(s, 'ikev1test', { actor: 'U1', succeeded: true }))?.ok).toBe(true);
      await run(
        await proposeKnown(s, 'ikev1test', { requester: 'U1', now: Date.now(), policy: self, kind: 'destroy' }),
      );
      const called = [...h.emu.control.calls.keys()];
      expect(called.length).toBeGreaterThan(30);
      const missing = called.filter((action) => !granted.some((g) => g.endsWith(`:${action}`)));
      expect(missing).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
