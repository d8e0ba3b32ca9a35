/**
 * The narrated demo: the walkthrough planned, approved, applied and measured on today's CEN
 * (transit routers); the master tunnels taken down to show the slaves take over (every pair still
 * answers, flagged as a failover); then the hub's advertisement of the DC's CIDR to its transit
 * router withdrawn behind vpnbot's back to show why it matters (Hong Kong <-> US fail, the route
 * named as not advertised), repaired by planning again (one step), measured again, and destroyed.
 * It begins with a preflight that finds a permission withheld from the account (the emulator's
 * control API), and passes once it is granted again.
 * Each stage says what it will show and checks that it did; the demo succeeds only if every stage
 * did. Front ends narrate the reports.
 */
import type { EngineListener } from '../engine/engine-events';
import type { PingMatrix } from '../probe/ping-matrix';
import { SEED_YAML } from '../topology/seed';
import type { AppServices } from './app-services';
import { DEFAULT_APPROVAL_POLICY } from './approval-policy';
import { measureTopology, type MeasureResult } from './ping-use-cases';
import { runToEnd } from './run-to-end';
import { decidePlan, proposeKnown, proposeTopology, type ProposalResult } from './use-cases';
import { blockingFindings } from '../preflight/finding';
import { preflightLine } from '../preflight/render-preflight';
import { topologyFromYaml } from '../topology/load-topology';
import { doctor } from './doctor';

export interface DemoStage {
  readonly n: number;
  readonly total: number;
  /** One sentence: what this stage does and should show. */
  readonly intent: string;
  readonly ok: boolean;
  /** One sentence: what it did show. */
  readonly outcome: string;
  /** The plan's text, when the stage made one. */
  readonly planText?: string;
  readonly matrix?: PingMatrix;
}

export interface DemoOptions {
  readonly actor: string;
  readonly onStage: (s: DemoStage) => void;
  /** Before each stage starts, its intent (to narrate before a long stage). */
  readonly onIntent?: (n: number, total: number, intent: string) => void;
  readonly onEvent?: EngineListener;
  /** The plan a stage is about to approve, before it runs. */
  readonly onPlan?: (text: string) => void;
  /** Suspends the run under way (Ctrl-C): it is left to resume at the next start, and the demo stops. */
  readonly suspend?: AbortSignal;
  readonly validation: { ipsecConnectionQuota: number; securityGroupRuleQuota?: number };
}

/** The demo's own topology (the walkthrough under another name): a user's `ikev1test` is never touched. */
export const DEMO_TOPOLOGY = 'vpnbot-demo';
const TOPOLOGY = DEMO_TOPOLOGY;
const DEMO_YAML = SEED_YAML.replace(/^name: .*$/m, `name: ${DEMO_TOPOLOGY}`);
const HK_US = ['hongkong>us', 'us>hongkong'];
const NOT_ADVERTISED =
  'expected via 192.168.0.0/16 advertised to the transit router by japan: it is not advertised now';

type StageResult = {
  ok: boolean;
  outcome: string;
  planText?: string;
  matrix?: PingMatrix;
  measured?: MeasureResult;
};

/** The permission the demo's preflight withholds and then grants: what the probes are started with. */
const WITHHELD = 'RunInstances';

export async function runDemo(services: AppServices, options: DemoOptions): Promise<boolean> {
  const policy = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
  const key = (c: { from: string; to: string }) => `${c.from}>${c.to}`;

  /** Approves a proposal as the demo's user and runs it; the outcome in a sentence. */
  const approveAndRun = async (p: ProposalResult, what: string): Promise<StageResult> => {
    if (!p.ok)
      return {
        ok: false,
        outcome: `the plan could not be made: ${'refusal' in p ? p.refusal : p.problems.map((x) => x.message).join('; ')}`,
      };
    if (!p.proposal.changes)
      return { ok: true, outcome: `nothing to ${what}: the cloud already matches`, planText: p.proposal.record.text };
    options.onPlan?.(p.proposal.record.text);
    const d = await decidePlan(services, {
      planId: p.proposal.record.id,
      actor: options.actor,
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    if (!d.ok) return { ok: false, outcome: `the approval was refused: ${d.reason}` };
    const run = await runToEnd(services, d.record, {
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.suspend ? { suspend: options.suspend } : {}),
    });
    const r = run.result;
    if (r.status === 'running')
      return {
        ok: false,
        outcome: `${what}: interrupted; the run resumes at the next start`,
        planText: p.proposal.record.text,
      };
    const ok = r.status === 'succeeded';
    const { create, delete: del, keep } = p.proposal.plan.summary;
    const counts = [
      create ? `${create} created` : '',
      del ? `${del} deleted` : '',
      keep ? `${keep} kept as they were` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const measuredAfter =
      run.matrix ?? (run.matrixError !== undefined ? { ok: false as const, refusal: run.matrixError } : undefined);
    return {
      ok,
      outcome: ok
        ? `${what}: ${counts}`
        : `${what} ${r.status}: ${r.failures.map((f) => `${f.stepId}: ${f.message}`).join('; ')}`,
      planText: p.proposal.record.text,
      ...(measuredAfter ? { measured: measuredAfter } : {}),
    };
  };
  /** The matrix the last apply ended with (every apply is measured as it ends). */
  let lastMeasured: MeasureResult | undefined;
  const remember = (r: StageResult): StageResult => {
    lastMeasured = r.measured;
    return r;
  };
  const afterApply = (): MeasureResult =>
    lastMeasured ?? { ok: false, refusal: 'the apply was not measured as it ended' };
  const measured = (r: MeasureResult, check: (m: PingMatrix) => string | undefined, said: string): StageResult => {
    if (!r.ok) return { ok: false, outcome: `not measured: ${r.refusal}` };
    const wrong = check(r.matrix);
    return { ok: wrong === undefined, outcome: wrong ?? said, matrix: r.matrix };
  };
  const measure = () => measureTopology(services, TOPOLOGY, { trigger: 'manual', actor: options.actor });

  const stages: { intent: string; run: () => Promise<StageResult> }[] = [
    {
      intent: `Preflight before anything is bought: withhold ${WITHHELD} from the account's RAM policy (the emulator's control API) and run \`doctor ${DEMO_TOPOLOGY}\`: it should find the missing permission by a dry run, name the RAM action to add and block approval; grant it back and run it again: every check passes, in well under a second.`,
      run: async () => {
        const control = services.control;
        if (!control?.setPermissions)
          return {
            ok: false,
            outcome:
              'this cloud has no control API: the demo withholds permissions only in the sandbox or against `vpnbot emulator`',
          };
        const topology = topologyFromYaml(DEMO_YAML, options.validation);
        if (!topology.ok)
          return { ok: false, outcome: `the demo topology is refused: ${topology.problems[0]?.message}` };
        const withheld = await control.setPermissions({ withhold: [WITHHELD] });
        if (withheld) return { ok: false, outcome: withheld };
        // Granted back whatever the preflight did: the stages after it need the permission.
        const before = await doctor(services, topology.value).catch((e: unknown) => e as Error);
        const granted = await control.setPermissions({ grant: [WITHHELD] });
        if (before instanceof Error) throw before;
        if (granted) return { ok: false, outcome: `the permission was not granted back: ${granted}` };
        const after = await doctor(services, topology.value);
        const found = blockingFindings(before).find(
          (f) => f.code === 'preflight.permission.denied' && f.subject === `ecs:${WITHHELD}`,
        );
        if (!found)
          return {
            ok: false,
            outcome: `expected preflight.permission.denied (ecs:${WITHHELD}); found: ${preflightLine(before)}`,
          };
        if (blockingFindings(after).length > 0)
          return { ok: false, outcome: `after the grant, still: ${preflightLine(after)}` };
        return {
          ok: true,
          outcome: `withheld: ${found.code} (${found.subject}) blocks approval; fix: ${found.fix}. Granted: ${preflightLine(after)} (${after.calls} calls, ${after.ms} ms)`,
        };
      },
    },
    {
      intent: `Plan the walkthrough as "${DEMO_TOPOLOGY}" (Hong Kong DC -> Tokyo hub over IKEv1, Silicon Valley spoke over today's CEN: transit routers in both regions) and approve it as you: the local user may approve their own plans. CEN (Cloud Enterprise Network) joins VPCs of different regions over Alibaba's backbone, so the spoke needs no VPN of its own.`,
      run: async () =>
        remember(
          await approveAndRun(
            await proposeTopology(services, { text: DEMO_YAML, form: 'yaml' }, options.validation, {
              requester: options.actor,
              now: Date.now(),
              policy,
            }),
            'applied',
          ),
        ),
    },
    {
      intent:
        'The apply ended by measuring the ping matrix through Cloud Assistant, as every apply does: all six pairs should answer, as predicted (the four across Tokyo <-> Silicon Valley paced for its free test bandwidth). Cloud Assistant is the agent on each ECS instance that runs a command for the API (here ping to every other probe) and returns its output.',
      run: async () =>
        measured(
          afterApply(),
          (m) => {
            const bad = m.cells.filter((c) => c.verdict !== 'pass' || !c.matches);
            return m.cells.length === 6 && bad.length === 0
              ? undefined
              : `expected 6 passing pairs as predicted; not so: ${bad.map(key).join(', ') || `${m.cells.length} cells`}`;
          },
          'all six pairs answer, as predicted',
        ),
    },
    {
      intent:
        "Take the master tunnel of each of Hong Kong's connections down (the emulator's control API, as dead peer detection would see it) and measure: the slaves take over, so all six pairs still answer, the four through the VPN flagged as a failover; then the masters come back.",
      run: async () => {
        const control = services.control;
        if (!control)
          return {
            ok: false,
            outcome:
              'this cloud has no control API: the demo breaks things only in the sandbox or against `vpnbot emulator`',
          };
        const hongkong = services.store
          .resources(TOPOLOGY)
          .filter((r) => r.kind === 'ipsec-connection' && r.site === 'hongkong');
        const set = async (up: boolean) => {
          for (const c of hongkong) {
            const error = await control.setTunnel(c.cloudId, 'master', up);
            if (error) return error;
          }
          return undefined;
        };
        const error = await set(false);
        if (error) return { ok: false, outcome: error };
        const r = await measure();
        const back = await set(true);
        const result = measured(
          r,
          (m) => {
            const viaVpn = m.cells.filter((c) => c.from === 'hongkong' || c.to === 'hongkong');
            const bad = m.cells.filter((c) => c.verdict !== 'pass' || !c.matches);
            if (bad.length) return `expected every pair to pass; ${bad.map(key).join(', ')} did not`;
            if (viaVpn.length !== 4 || viaVpn.some((c) => !c.failover))
              return `expected the four pairs through the VPN flagged as a failover; flagged: ${
                m.cells
                  .filter((c) => c.failover)
                  .map(key)
                  .join(', ') || 'none'
              }`;
            return undefined;
          },
          'all six pairs answer, the four through the VPN on the slave tunnels (failover); the masters are back up',
        );
        return back
          ? { ...result, ok: false, outcome: `${result.outcome}; the masters did not come back: ${back}` }
          : result;
      },
    },
    {
      intent:
        "Withdraw the hub's advertisement of 192.168.0.0/16 to Tokyo's transit router behind vpnbot's back (the emulator's control API): Silicon Valley loses its way back to Hong Kong.",
      run: async () => {
        if (!services.control)
          return {
            ok: false,
            outcome:
              'this cloud has no control API: the demo breaks things only in the sandbox or against `vpnbot emulator`',
          };
        const resources = services.store.resources(TOPOLOGY);
        const advertised = resources.find((r) => r.kind === 'tr-advertisement');
        const cen = resources.find((r) => r.kind === 'cen');
        const vpc = resources.find((r) => r.stepId === 'vpc:japan');
        if (!advertised || !cen || !vpc)
          return { ok: false, outcome: 'the advertised route, the CEN instance or the Tokyo VPC is not recorded' };
        const error = await services.control.withdrawPublishedRoute(cen.cloudId, vpc.cloudId, '192.168.0.0/16');
        return error
          ? { ok: false, outcome: error }
          : {
              ok: true,
              outcome: `withdrew the advertisement of 192.168.0.0/16 from ${cen.cloudId}'s Tokyo transit router`,
            };
      },
    },
    {
      intent:
        'Measure again: Hong Kong <-> US should fail, flagged as not predicted and naming the route no longer advertised; Hong Kong <-> Japan should still pass.',
      run: async () =>
        measured(
          await measure(),
          (m) => {
            const hkUs = m.cells.filter((c) => HK_US.includes(key(c)));
            const others = m.cells.filter((c) => !HK_US.includes(key(c)));
            if (
              hkUs.length !== 2 ||
              hkUs.some((c) => c.verdict !== 'fail' || c.matches || !c.reason.includes(NOT_ADVERTISED))
            )
              return `expected Hong Kong <-> US to fail naming the withdrawn advertisement; got ${hkUs.map((c) => `${key(c)} ${c.verdict} (${c.reason})`).join('; ')}`;
            if (others.some((c) => c.verdict !== 'pass'))
              return `expected the other pairs to pass; ${others
                .filter((c) => c.verdict !== 'pass')
                .map(key)
                .join(', ')} did not`;
            return undefined;
          },
          `Hong Kong <-> US fail: "${NOT_ADVERTISED}"; the other four pairs pass`,
        ),
    },
    {
      intent:
        'Plan the topology again: vpnbot sees the drift and repairs it in one step (the advertisement), approved as before.',
      run: async () => {
        const p = await proposeKnown(services, TOPOLOGY, {
          requester: options.actor,
          now: Date.now(),
          policy,
          kind: 'apply',
        });
        const creates = p.ok ? p.proposal.plan.summary.create : -1;
        const r = remember(await approveAndRun(p, 'repaired'));
        return creates === 1
          ? r
          : { ...r, ok: false, outcome: `expected a plan of one step to create; it had ${creates}. ${r.outcome}` };
      },
    },
    {
      intent: 'The repair ended by measuring once more: all six pairs should answer again.',
      run: async () =>
        measured(
          afterApply(),
          (m) =>
            m.cells.length === 6 && m.cells.every((c) => c.verdict === 'pass' && c.matches)
              ? undefined
              : `not all pass: ${m.cells
                  .filter((c) => c.verdict !== 'pass')
                  .map(key)
                  .join(', ')}`,
          'all six pairs answer again',
        ),
    },
    {
      intent: 'Destroy what vpnbot created, in reverse dependency order.',
      run: async () => {
        const r = await approveAndRun(
          await proposeKnown(services, TOPOLOGY, {
            requester: options.actor,
            now: Date.now(),
            policy,
            kind: 'destroy',
          }),
          'destroyed',
        );
        const left = services.store.resources(TOPOLOGY).length;
        return left === 0 ? r : { ...r, ok: false, outcome: `${r.outcome}; ${left} resources are still recorded` };
      },
    },
  ];

  let all = true;
  for (const [i, stage] of stages.entries()) {
    options.onIntent?.(i + 1, stages.length, stage.intent);
    let r: StageResult;
    try {
      r = await stage.run();
    } catch (e) {
      r = { ok: false, outcome: `failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    options.onStage({ n: i + 1, total: stages.length, intent: stage.intent, ...r });
    if (!r.ok) {
      all = false;
      break;
    }
  }
  return all;
}
