/**
 * The commands that work on the cloud and the database: apply, destroy, status, demo. They share
 * the engine and the database with the bot; without --auto-approve they show the plan and ask.
 */
import type { AppServices } from '../../src/app/app-services';
import { validationOptions, type Config } from '../../src/config';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { decidePlan, proposeKnown, proposeValidated, statusOf, type ProposalResult } from '../../src/app/use-cases';
import { proposeRotation } from '../../src/app/key-rotation';
import { resumeToEnd, runToEnd, type RunOutcome } from '../../src/app/run-to-end';
import { formatProblems } from '../../src/errors';
import type { CliCommand, CliIo } from '../common/cli-io';
import { logEngineEvents } from '../../src/log/log-engine-events';
import type { EngineListener } from '../../src/engine/engine-events';
import { planText } from '../../src/app/plan-text';
import { topologyDetailText, topologyStatusLine } from '../common/status-text';
import { topologyDetail } from '../../src/app/topology-detail';
import { checklistText } from '../common/device-text';
import { renderMatrixTable } from '../../src/probe/render-matrix';
import { planCommand } from './plan-command';
import { APPLY_USAGE, DESTROY_USAGE, DOCTOR_USAGE, PLAN_USAGE, STATUS_USAGE } from './usages';
import { doctorStored, doctor as runDoctor } from '../../src/app/doctor';
import { blockingFindings } from '../../src/preflight/finding';
import { preflightLine, preflightText } from '../../src/preflight/render-preflight';
import { runPreflight } from '../../src/preflight/run-preflight';
import { createProgressPrinter } from '../common/progress-printer';
import { readTopologyArg } from './read-topology';
import { parseCommandArgs } from './parse-args';
import { withServices, type ServicesFactory } from '../common/with-services';
import { withSlowNotice } from '../common/slow-notice';

/** Progress for the person at the terminal, and the same events into the structured log. */
function listeners(io: CliIo, s: AppServices): EngineListener {
  const print = createProgressPrinter((l) => io.stdout(`${l}\n`));
  const log = logEngineEvents(s.logger);
  return (e) => {
    print(e);
    log(e);
  };
}

/** Ctrl-C cancels a run: steps not yet started are recorded as cancelled; started ones stop at their next wait. */
function interruptSignal(io: CliIo): AbortSignal {
  const ac = new AbortController();
  void io.interrupted.then(() => ac.abort(new Error('interrupted')));
  return ac.signal;
}

/** Finishes runs a crash left unfinished before starting anything new. */
async function resumeUnfinished(s: AppServices, io: CliIo): Promise<boolean> {
  const outcomes = await resumeToEnd(s, {
    onEvent: listeners(io, s),
    signal: interruptSignal(io),
    onResume: (run) => {
      io.stdout(`Unfinished ${run.kind} ${run.id} of "${run.topology}" found: resuming it first.\n`);
      return undefined;
    },
  });
  for (const outcome of outcomes) printOutcome(io, outcome);
  return outcomes.every((o) => o.result.status === 'succeeded');
}

/** How a run ended: its failed steps on stderr, then the matrix it was measured with. */
function printOutcome(io: CliIo, outcome: RunOutcome): void {
  for (const f of outcome.result.failures)
    io.stderr(`${f.stepId}: ${f.message} [${f.code}]${f.requestId ? ` (request ${f.requestId})` : ''}\n`);
  for (const w of outcome.waitingFor ?? [])
    io.stdout(
      `\nThe cloud side is done: waiting for ${w.site}'s device.\n${checklistText(w)}\nConfigure it from \`vpnbot config ${w.topology} ${w.site} --vendor V -o FILE\`; \`vpnbot status ${w.topology}\` shows the tunnels, the Slack app and the console tick them off and measure the matrix once all are up.\n`,
    );
  if (outcome.matrix)
    io.stdout(
      outcome.matrix.ok
        ? `\n${renderMatrixTable(outcome.matrix.matrix)}\n`
        : `\nPing matrix not measured: ${outcome.matrix.refusal}\n`,
    );
  else if (outcome.matrixError !== undefined)
    io.stderr(
      `Ping matrix not measured: ${outcome.matrixError}; \`vpnbot ping ${outcome.result.topology}\` tries again.\n`,
    );
}

/**
 * The CLI's special case of the approval flow: the person at the terminal proposes, confirms (or
 * passes --auto-approve) and approves their own plan, through the same use cases as Slack.
 */
async function confirmAndRun(
  s: AppServices,
  io: CliIo,
  proposal: ProposalResult,
  autoApprove: boolean,
  actor: string,
  kind: 'apply' | 'destroy' | 'rotate',
): Promise<number> {
  if (!proposal.ok) {
    io.stderr(`${'refusal' in proposal ? proposal.refusal : formatProblems(proposal.problems)}\n`);
    return 1;
  }
  const { record, changes } = proposal.proposal;
  io.stdout(`${record.text}\n`);
  if (!changes) return 0;
  const approved =
    autoApprove ||
    (await io.confirm(
      `${kind === 'destroy' ? 'Destroy' : kind === 'rotate' ? 'Rotate these keys' : 'Apply'} this plan?`,
    ));
  const policy = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
  const decision = await decidePlan(s, {
    planId: record.id,
    actor,
    decision: approved ? 'approve' : 'reject',
    now: Date.now(),
    policy,
  });
  if (!approved || !decision.ok) {
    io.stderr(
      approved
        ? `the plan could not be approved: ${decision.ok ? '' : decision.reason}\n`
        : `Not ${kind === 'destroy' ? 'destroyed' : kind === 'rotate' ? 'rotated' : 'applied'}: no approval (use --auto-approve to skip the question).\n`,
    );
    return 1;
  }
  const outcome = await runToEnd(s, decision.record, { onEvent: listeners(io, s), signal: interruptSignal(io) });
  printOutcome(io, outcome);
  return outcome.result.status === 'succeeded' ? 0 : 1;
}

export function appCommands(open: ServicesFactory, actor: string): Record<string, CliCommand> {
  /** `vpnbot VERB <one argument> [--auto-approve]`, run with the services open. */
  const approvable =
    (
      usage: string,
      body: (arg: string, autoApprove: boolean, s: AppServices, config: Config, io: CliIo) => Promise<number>,
    ): CliCommand =>
    async (args, io) => {
      const p = parseCommandArgs(args, io, usage, { 'auto-approve': { type: 'boolean' } });
      if (!p) return 2;
      if (p.positionals.length !== 1) {
        io.stderr(`${usage}\n`);
        return 2;
      }
      return withServices(io, open, (s, config) =>
        body(p.positionals[0]!, p.values['auto-approve'] === true, s, config, io),
      );
    };

  const apply = approvable(APPLY_USAGE, async (arg, autoApprove, s, config, io) => {
    const topology = await withSlowNotice(io, s.cloud, 'Reading the zones of the regions: waiting on', () =>
      readTopologyArg(
        arg,
        io,
        validationOptions(config),
        (region) => s.cloud.zones(region),
        (region) => s.cloud.vpnGatewayZones(region),
      ),
    );
    if (!topology.ok) {
      io.stderr(`${topology.problems}\n`);
      return 1;
    }
    if (!(await resumeUnfinished(s, io)))
      io.stderr('Some resumed runs did not succeed; planning from what exists now.\n');
    const proposal = await withSlowNotice(io, s.cloud, 'Reading what the cloud holds: waiting on', () =>
      proposeValidated(s, topology.value, {
        requester: actor,
        now: Date.now(),
        policy: DEFAULT_APPROVAL_POLICY,
      }),
    );
    return confirmAndRun(s, io, proposal, autoApprove, actor, 'apply');
  });

  const destroy = approvable(DESTROY_USAGE, async (name, autoApprove, s, _config, io) => {
    await resumeUnfinished(s, io);
    const proposal = await proposeKnown(s, name, {
      requester: actor,
      now: Date.now(),
      policy: DEFAULT_APPROVAL_POLICY,
      kind: 'destroy',
    });
    return confirmAndRun(s, io, proposal, autoApprove, actor, 'destroy');
  });

  const status: CliCommand = async (args, io) => {
    const p = parseCommandArgs(args, io, STATUS_USAGE, { json: { type: 'boolean' } });
    if (!p) return 2;
    return withServices(
      io,
      open,
      async (s) => {
        const report = statusOf(s, p.positionals);
        if (report.unknown.length > 0) {
          io.stderr(`no topology named ${report.unknown.map((n) => `"${n}"`).join(', ')}\n`);
          return 1;
        }
        // Named: each one in detail, as the cloud answers now (public IPs, tunnels, the last matrix).
        const details = p.positionals.length
          ? await withSlowNotice(io, s.cloud, 'Reading the resources: waiting on', () =>
              Promise.all(report.topologies.map((t) => topologyDetail(s, t.topology))),
            )
          : [];
        if (p.values.json) {
          const topologies = report.topologies.map((t, i) => (details[i] ? { ...t, detail: details[i] } : t));
          io.stdout(`${JSON.stringify({ sandbox: s.sandbox, topologies }, null, 2)}\n`);
          return 0;
        }
        if (report.topologies.length === 0) io.stdout('No topologies yet. Try: vpnbot apply seed\n');
        for (const [i, r] of report.topologies.entries()) {
          io.stdout(`${topologyStatusLine(r)}\n`);
          for (const f of r.lastRun?.failures ?? [])
            io.stdout(`  failed ${f.step}: ${f.message ?? ''} [${f.code ?? ''}]\n`);
          const detail = details[i];
          if (detail) io.stdout(`${topologyDetailText(detail, renderMatrixTable)}\n`);
        }
        return 0;
      },
      p.values.json === true,
    );
  };

  /**
   * `vpnbot plan`: what an apply would change now, refreshed against the records and the cloud
   * (sandbox included), like `terraform plan`; `--offline` plans against nothing, without them.
   */
  const plan: CliCommand = async (args, io) => {
    if (args.includes('--offline')) return planCommand(args, io);
    const p = parseCommandArgs(args, io, PLAN_USAGE, { json: { type: 'boolean' }, offline: { type: 'boolean' } });
    if (!p) return 2;
    if (p.positionals.length !== 1) {
      io.stderr(`${PLAN_USAGE}\n`);
      return 2;
    }
    return withServices(
      io,
      open,
      async (s, config) => {
        const read = await withSlowNotice(io, s.cloud, 'Reading what the cloud holds: waiting on', async (onRetry) => {
          const topology = await readTopologyArg(
            p.positionals[0]!,
            io,
            validationOptions(config),
            (region) => s.cloud.zones(region),
            (region) => s.cloud.vpnGatewayZones(region),
          );
          return topology.ok ? { topology, planned: await s.engine.plan(topology.value, { onRetry }) } : { topology };
        });
        const topology = read.topology;
        if (!topology.ok || !read.planned) {
          io.stderr(`${topology.ok ? '' : topology.problems}\n`);
          return 1;
        }
        const planned = read.planned;
        // Every plan carries its preflight: one line here, `vpnbot doctor` for the details.
        const preflight = await runPreflight(s.cloud, planned);
        io.stdout(
          p.values.json
            ? `${JSON.stringify({ sandbox: s.sandbox, hash: planned.hash, summary: planned.summary, steps: planned.steps, preflight }, null, 2)}\n`
            : `${planText(planned, topology.value)}\n\n${preflightLine(preflight)}\n`,
        );
        return 0;
      },
      p.values.json === true,
    );
  };

  const rotate: CliCommand = async (args, io) => {
    const usage = 'usage: vpnbot rotate <name> [<site>] [--auto-approve]';
    const p = parseCommandArgs(args, io, usage, { 'auto-approve': { type: 'boolean' } });
    if (!p) return 2;
    if (p.positionals.length < 1 || p.positionals.length > 2) {
      io.stderr(`${usage}\n`);
      return 2;
    }
    return withServices(io, open, async (s) => {
      await resumeUnfinished(s, io);
      const proposal = await proposeRotation(s, p.positionals[0]!, p.positionals[1], {
        requester: actor,
        now: Date.now(),
        policy: DEFAULT_APPROVAL_POLICY,
      });
      return confirmAndRun(s, io, proposal, p.values['auto-approve'] === true, actor, 'rotate');
    });
  };

  /** `vpnbot doctor [topology]`: the preflight alone; exit 1 while a blocking finding stands. */
  const doctor: CliCommand = async (args, io) => {
    const p = parseCommandArgs(args, io, DOCTOR_USAGE, { json: { type: 'boolean' } });
    if (!p) return 2;
    if (p.positionals.length > 1) {
      io.stderr(`${DOCTOR_USAGE}\n`);
      return 2;
    }
    return withServices(
      io,
      open,
      async (s, config) => {
        const arg = p.positionals[0];
        // A topology applied before by its name; else a file, `-`, `seed` or the one-line form.
        let result = arg !== undefined ? await doctorStored(s, arg) : undefined;
        if (!result) {
          const topology = arg !== undefined ? await readTopologyArg(arg, io, validationOptions(config)) : undefined;
          if (topology && !topology.ok) {
            io.stderr(`${topology.problems}\n`);
            return 1;
          }
          const value = topology?.ok ? topology.value : undefined;
          result = await withSlowNotice(io, s.cloud, 'Asking the cloud: waiting on', async () => ({
            ok: true as const,
            ...(value ? { topology: value.name } : {}),
            report: await runDoctor(s, value),
          }));
        }
        if (!result.ok) return 1;
        const { report, topology } = result;
        io.stdout(
          p.values.json
            ? `${JSON.stringify({ sandbox: s.sandbox, topology: topology ?? null, ...report }, null, 2)}\n`
            : `${topology ? `Preflight of ${topology}${s.sandbox ? ' [sandbox]' : ''}:\n` : ''}${preflightText(report)}\n`,
        );
        return blockingFindings(report).length > 0 ? 1 : 0;
      },
      p.values.json === true,
    );
  };

  return { plan, apply, destroy, status, rotate, doctor };
}
