/** Block Kit within Slack's limits, for small and large plans; user text cannot become markup. */
import { planMessage, planTextChunks, problemsMessage } from '../../commands/slack/blocks';
import { twelveSiteTopology } from '../../src/bench/bench-topologies';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { renderPlan } from '../../src/planner/render-plan';
import type { Proposal } from '../../src/app/use-cases';
import type { Topology } from '../../src/topology/model';
import { seedTopology } from '../helpers/topologies';
import { modelFromPlan } from '../../src/reachability/network-model';
import { predictMatrix } from '../../src/reachability/predict';

function proposal(t: Topology): Proposal {
  const plan = buildPlan(t, EMPTY_OBSERVED);
  const record = {
    id: 'plan-0123456789abcdef',
    topology: t.name,
    hash: plan.hash,
    text: renderPlan(plan, t),
    plan,
    requester: 'U1',
    status: 'pending' as const,
    createdAt: 0,
    expiresAt: 3_600_000,
  };
  return {
    record,
    topology: t,
    plan,
    changes: true,
    superseded: [],
    prediction: predictMatrix(modelFromPlan(plan, t)),
  };
}

function withinLimits(blocks: readonly { type: string; [k: string]: unknown }[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    const text = (b.text as { text?: string } | undefined)?.text;
    if (b.type === 'section' && text) expect(text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(text!.length).toBeLessThanOrEqual(150);
  }
  expect(JSON.stringify(blocks)).not.toContain('psk');
}

describe('plan messages', () => {
  it('the seed: per site, the IKEv1 sentence, the hash, approve with a confirm dialog and reject', () => {
    const m = planMessage(proposal(seedTopology()), {
      sandbox: true,
      approvers: 'any member but the requester may approve',
      kind: 'apply',
    });
    withinLimits(m.blocks);
    const all = JSON.stringify(m.blocks);
    expect(all).toContain('*hongkong* (dc, cn-hongkong, 192.168.0.0/16)');
    expect(all).toContain('IKEv1 carries one CIDR pair per connection: 4 connections for 1 gateway pair.');
    expect(all).toContain('"action_id":"plan.approve"');
    expect(all).toContain('"confirm"');
    expect(all).toContain('"value":"plan-0123456789abcdef"');
    expect(m.text).toContain('[sandbox]');
  });

  it('twelve sites and 320 steps (transit routers, a customer gateway per dual-tunnel peer address) stay within Block Kit limits; the full text goes to the thread in pieces', () => {
    const p = proposal(twelveSiteTopology());
    expect(p.plan.steps).toHaveLength(320);
    const m = planMessage(p, { sandbox: false, approvers: 'x', kind: 'apply' });
    withinLimits(m.blocks);
    const chunks = planTextChunks(p.record.text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(3000);
    expect(chunks.join('')).toContain('hub-virginia');
  });

  it('problems quote user text without letting it become a mention or a link', () => {
    const m = problemsMessage([
      {
        code: 'name.invalid',
        path: 'name',
        message: 'topology name "<!channel> <https://evil|x>" is bad',
        hint: 'e.g. "x"',
      },
    ]);
    expect(JSON.stringify(m.blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(m.blocks)).toContain('&lt;!channel&gt;');
  });
});
