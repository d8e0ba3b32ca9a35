/**
 * deploy/ram-policy.json (provisioning) and deploy/ram-policy-measure.json (Cloud Assistant) grant
 * exactly the actions vpnbot calls, scoped: read off the drivers' source (a new action fails here
 * until the policy table names it), split by job, each condition naming the tag vpnbot writes, and
 * that tag really written at creation (recorded by the emulator through the real drivers during
 * apply, the ping matrix and destroy) and present on every resource vpnbot then owns.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { measureAfterApply } from '../../src/app/ping-use-cases';
import { decidePlan, proposeKnown, proposeTopology } from '../../src/app/use-cases';
import { runToEnd } from '../../src/app/run-to-end';
import { OWNER_TAG, RAM_POLICY_TABLE, policyJson, ramPolicy, type RamPolicy } from '../../src/cloud/alibaba/ram-policy';
import { realPacing } from '../../src/engine/retry-policy';
import { createLogger } from '../../src/log/create-logger';
import { TAG_STEP, TAG_TOPOLOGY } from '../../src/planner/observed';
import { startHarness, TIME_SCALE } from '../helpers/engine-harness';
import type { World } from '../../src/emulator/state/world';

const ROOT = join(__dirname, '..', '..');
const ADAPTER = join(ROOT, 'src', 'cloud', 'alibaba');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, 'deploy', file), 'utf8')) as RamPolicy;
const provision = read('ram-policy.json');
const measure = read('ram-policy-measure.json');
const actionsOf = (p: RamPolicy) => [...new Set(p.Statement.flatMap((s) => s.Action))].sort();

/** `product:Action` for every `ctx.call('Action', ... ctx.clients.product` in these adapter files. */
function calledIn(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(join(ADAPTER, f), 'utf8').matchAll(
      /call\('(\w+)',[\s\S]*?clients\s*\.\s*(vpc|ecs|cen|sts|bss|quotas)(?:Form)?\b/g,
    ))
      out.add(`${m[2]}:${m[1]}`);
  }
  return [...out].sort();
}
/** Measuring is Cloud Assistant: the command runner; everything else provisions. */
const MEASURING_FILES = ['command-runner.ts'];
const adapterFiles = readdirSync(ADAPTER).filter((f) => f.endsWith('.ts') && f !== 'ram-policy.ts');

/** Each condition's tag keys, with the kind of condition (on the request, or on the resource). */
const conditions = (p: RamPolicy) =>
  p.Statement.flatMap((statement) =>
    Object.values(statement.Condition ?? {}).flatMap((keys) =>
      Object.keys(keys).map((key) => {
        const m = /^acs:(RequestTag|ResourceTag)\/(.+)$/.exec(key);
        return { statement, key, on: m?.[1], tag: m?.[2] };
      }),
    ),
  );

/** The emulator's collection for each resource type an `owned` statement names. */
const WORLD_OF: Record<string, (w: World) => Iterable<{ tags: Record<string, string> }>> = {
  vpc: (w) => w.vpcs.values(),
  vswitch: (w) => w.vswitches.values(),
  vpngateway: (w) => w.vpnGateways.values(),
  customergateway: (w) => w.customerGateways.values(),
  vpnconnection: (w) => w.vpnConnections.values(),
  securitygroup: (w) => w.securityGroups.values(),
  instance: (w) => w.instances.values(),
  cen: (w) => w.cens.values(),
  transitrouter: (w) => w.tr.routers.values(),
  transitrouterattachment: (w) => [...w.tr.vpcAttachments.values(), ...w.tr.peerAttachments.values()],
};

describe('the RAM policies', () => {
  it('are the policy table as generated: the files do not drift from the code', () => {
    expect(readFileSync(join(ROOT, 'deploy', 'ram-policy.json'), 'utf8')).toBe(policyJson(ramPolicy('provision')));
    expect(readFileSync(join(ROOT, 'deploy', 'ram-policy-measure.json'), 'utf8')).toBe(
      policyJson(ramPolicy('measure')),
    );
  });

  it('name exactly the actions the drivers call, split into provisioning and measuring', () => {
    const provisioning = calledIn(adapterFiles.filter((f) => !MEASURING_FILES.includes(f)));
    const measuring = calledIn(MEASURING_FILES);
    expect(provisioning.length).toBeGreaterThan(40);
    expect(actionsOf(provision)).toEqual(provisioning);
    expect(actionsOf(measure)).toEqual(measuring);
    // RunCommand, a root shell on the instance it targets, is the measuring policy's alone.
    expect(actionsOf(provision)).not.toContain('ecs:RunCommand');
    expect(measuring).toContain('ecs:RunCommand');
  });

  it('scope by resource: only reads are granted on every resource, every other grant names resource types', () => {
    for (const p of [provision, measure]) {
      for (const s of p.Statement) {
        if (s.Resource === '*')
          // Reads only: Describe/List, and the preflight's GetCallerIdentity, GetProductQuota and QueryAccountBalance.
          expect({ broad: s.Action.filter((a) => !/:(Describe|List|Get|Query)[A-Z]/.test(a)) }).toEqual({ broad: [] });
        else for (const arn of s.Resource) expect(arn).toMatch(/^acs:(vpc|ecs|cen):\*:\*:[a-z]+\/\*$/);
      }
    }
    // Deleting, changing a firewall and running a command need vpnbot's tag on the resource.
    const owned = (p: RamPolicy, action: string) =>
      p.Statement.filter((s) => s.Action.includes(action) && s.Resource !== '*');
    for (const action of [
      'vpc:DeleteVpc',
      'vpc:DeleteVpnGateway',
      'ecs:DeleteInstance',
      'ecs:AuthorizeSecurityGroup',
      'cen:DeleteCen',
    ])
      expect(owned(provision, action).every((s) => s.Condition !== undefined)).toBe(true);
    const onInstances = owned(measure, 'ecs:RunCommand').filter((s) =>
      (s.Resource as string[]).some((r) => r.includes(':instance/')),
    );
    expect(onInstances).toEqual([
      expect.objectContaining({ Condition: { StringLike: { [`acs:ResourceTag/${OWNER_TAG}`]: '*' } } }),
    ]);
  });

  it('`vpnbot ram-policy` writes them for the regions and account a deployment names', () => {
    const bin = join(ROOT, 'dist', 'commands', 'main.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'ram-policy', ...args], { encoding: 'utf8' });
    const scoped = run('--regions', 'cn-hongkong,us-west-1', '--account', '1234567890', '--measure');
    expect(scoped.status).toBe(0);
    expect(JSON.parse(scoped.stdout)).toEqual(
      ramPolicy('measure', { regions: ['cn-hongkong', 'us-west-1'], account: '1234567890' }),
    );
    expect(run().stdout).toBe(readFileSync(join(ROOT, 'deploy', 'ram-policy.json'), 'utf8'));
    const wrong = run('--regions', 'tokyo');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown region "tokyo"');
  });

  it('scope by region when asked', () => {
    const p = ramPolicy('measure', { regions: ['cn-hongkong', 'ap-northeast-1'], account: '1234567890' });
    const arns = p.Statement.flatMap((s) => (s.Resource === '*' ? [] : s.Resource));
    expect(arns).toContain('acs:ecs:cn-hongkong:1234567890:instance/*');
    expect(arns).toContain('acs:ecs:ap-northeast-1:1234567890:command/*');
    expect(arns.every((a) => /^acs:ecs:(cn-hongkong|ap-northeast-1):1234567890:/.test(a))).toBe(true);
  });

  it('every condition names a tag vpnbot writes; the table says why each broad grant stays broad', () => {
    const all = [...conditions(provision), ...conditions(measure)];
    expect(all.length).toBeGreaterThan(5);
    for (const c of all)
      expect({ key: c.key, tag: c.tag }).toEqual({
        key: c.key,
        tag: expect.stringMatching(new RegExp(`^(${TAG_TOPOLOGY}|${TAG_STEP})$`)),
      });
    for (const e of RAM_POLICY_TABLE)
      for (const s of e.scopes)
        if (s.kind === 'region' || (s.kind === 'create' && !s.taggedAtCreation))
          expect({ action: e.action, why: typeof e.why }).toEqual({ action: e.action, why: 'string' });
  });

  it('hold for a full cycle through the real drivers: every call granted, the tags on every create request that needs them and on every resource vpnbot owns', async () => {
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
      // Every resource an `owned` statement may act on carries the tag its condition names.
      const world = h.emu.world;
      const ownedTypes = new Set(
        RAM_POLICY_TABLE.flatMap((e) => e.scopes.flatMap((x) => (x.kind === 'owned' ? x.types : []))),
      );
      for (const type of ownedTypes) {
        const live = [...WORLD_OF[type]!(world)];
        expect({ type, some: live.length > 0 }).toEqual({ type, some: true });
        for (const r of live) expect({ type, tagged: OWNER_TAG in r.tags }).toEqual({ type, tagged: true });
      }
      expect((await measureAfterApply(s, 'ikev1test', { actor: 'U1', succeeded: true }))?.ok).toBe(true);
      await run(
        await proposeKnown(s, 'ikev1test', { requester: 'U1', now: Date.now(), policy: self, kind: 'destroy' }),
      );
      const called = [...h.emu.control.calls.keys()];
      expect(called.length).toBeGreaterThan(30);
      const granted = [...actionsOf(provision), ...actionsOf(measure)];
      expect(called.filter((action) => !granted.some((g) => g.endsWith(`:${action}`)))).toEqual([]);
      // Each create whose statement requires vpnbot's tag on the request was sent it.
      for (const c of conditions(provision).filter((x) => x.on === 'RequestTag'))
        for (const action of c.statement.Action) {
          const name = action.split(':')[1]!;
          expect({ action, sent: [...(h.emu.control.requestTags.get(name) ?? [])] }).toEqual({
            action,
            sent: expect.arrayContaining([c.tag]),
          });
        }
    } finally {
      await h.close();
    }
  });
});
