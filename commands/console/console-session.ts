/**
 * The local console: a chat in the terminal that takes the same `/vpn ...` commands as Slack,
 * through the same parser and use cases (as Hubot's shell adapter stands in for a chat service).
 * Plans are shown with their buttons as choices (or `/approve` and `/reject` typed), applies draw
 * progress, measurements print the matrix and write the heat map under the data directory.
 * `/as <user>` switches the acting user, so approval rules can be shown. The UI (terminal or pipe)
 * is passed in; this file only decides what to say.
 */
import { join } from 'node:path';
import type { EngineListener } from '../../src/engine/engine-events';
import type { PingMatrix } from '../../src/probe/ping-matrix';
import { formatProblems } from '../../src/errors';
import { renderHeatMapPng } from '../../src/probe/heat-map';
import { renderMatrixTable, renderTrend } from '../../src/probe/render-matrix';
import type { AppServices } from '../../src/app/app-services';
import { approverWords as slackApproverWords, type ApprovalPolicy } from '../../src/app/approval-policy';
import { runDemo } from '../../src/app/demo';
import {
  measureRefusal,
  measureTopology,
  pastePingRow,
  pingHistory,
  type MeasureResult,
} from '../../src/app/ping-use-cases';
import { resumeToEnd, runToEnd, type RunOutcome } from '../../src/app/run-to-end';
import { decidePlan, proposeKnown, proposeTopology, statusOf, type ProposalResult } from '../../src/app/use-cases';
import { parseVpnCommand, TOPOLOGY_HELP, VPN_USAGE } from '../../src/app/vpn-command';
import type { ValidationOptions } from '../../src/topology/validate';
import { topologyDetailText, topologyStatusLine } from '../common/status-text';
import { withSlowNotice } from '../common/slow-notice';
import { topologyDetail } from '../../src/app/topology-detail';
import { deviceConfiguration } from '../../src/app/device-config';
import { proposeRotation } from '../../src/app/key-rotation';
import { doctorNamed } from '../../src/app/doctor';
import { preflightText } from '../../src/preflight/render-preflight';
import { checkDeviceWaits, DEFAULT_DIAGNOSIS_AFTER_MS } from '../../src/app/device-bring-up';
import { DEVICE_MISTAKES, playDevice, type DeviceMistake } from '../../src/app/play-device';
import { checklistText, updateText } from '../common/device-text';

/** Who may approve, in plain words (the policy's words carry Slack mentions). */
function approverWords(policy: ApprovalPolicy): string {
  const words = slackApproverWords(policy)
    .replace(/<@([^>]+)>/g, '$1')
    .replace(/<!subteam\^([^>]+)>/g, 'group $1');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

export interface ConsoleUi {
  print(text: string): void;
  /** The plan's buttons as a choice; absent when it cannot ask (a pipe): `/approve` or `/reject` is typed instead. */
  choose?(message: string, choices: readonly { readonly value: string; readonly label: string }[]): Promise<string>;
  /** Renders a run's progress (a bar on a terminal, a line per step in a pipe); `end` before printing again. */
  progress(): { readonly onEvent: EngineListener; end(): void };
  /** Writes a file (the heat map; a device configuration with its keys, owner-only). */
  writeFile(path: string, data: Uint8Array, options?: { ownerOnly?: boolean }): Promise<void>;
}

export interface ConsoleOptions {
  readonly user: string;
  readonly policy: ApprovalPolicy;
  readonly validation: ValidationOptions;
  /** Where heat maps are written (the database's directory, ./data by default). */
  readonly dataDir: string;
  /** A tunnel to an awaited device still down this long is diagnosed (default: ten minutes). */
  readonly diagnoseAfterMs?: number;
  readonly now?: () => number;
}

/** How long `/device` waits for the played device's tunnels to say something, at most (real time). */
const DEVICE_SETTLE_MS = 20_000;

export const CONSOLE_HELP = [
  'Type /vpn commands as in Slack (the /vpn is optional):',
  VPN_USAGE.replace(/`/g, '').replace(
    /^\/vpn plan alone.*$/m,
    '/vpn plan alone, or /vpn plan ```yaml: then the YAML topology, line by line, ended by a line of ```',
  ),
  '',
  'Console commands:',
  '/approve [plan-id]         approve the last plan shown (or the one named), as the Approve button',
  '/reject [plan-id] [why]    reject it, as the Reject button',
  '/as <user>                 act as another user (approval rules: who may approve whose plans)',
  '/whoami                    who you are acting as',
  '/demo                      the narrated demo (plan, apply, measure, break, repair, destroy)',
  '/device <name> <site> [right|wrong-peer-ip|psk-mismatch|proposal-mismatch]',
  "                           the sandbox plays the site's on-premises device, configured right or with that mistake",
  '/quit                      leave',
  'Ctrl-C during a run: no new step starts, and the run resumes at the next start (Ctrl-C again: exit now).',
  '',
  TOPOLOGY_HELP,
].join('\n');

export interface ConsoleSession {
  /** Handles one line; false when the session should end (`/quit`, or after an interruption). */
  handle(line: string): Promise<boolean>;
  /** Finishes the runs a stopped process left (Ctrl-C, a crash), saying so; nothing when there are none. */
  resume(): Promise<void>;
  /**
   * Ctrl-C or SIGTERM: a run in flight takes no new step, its steps under way stop at their next
   * wait, and it is left to resume at the next start; the session then ends. True when a run was
   * in flight (the session ends once it has stopped), false when idle (end now).
   */
  interrupt(): boolean;
  readonly user: () => string;
  /** Commands refused or failed so far (a script's exit status). */
  readonly failures: () => number;
  /** Checks the devices applies wait for and prints what changed (after every command, and on a schedule); how many changed. */
  checkDevices(): Promise<number>;
}

export function createConsoleSession(services: AppServices, ui: ConsoleUi, options: ConsoleOptions): ConsoleSession {
  let user = options.user;
  let lastPlan: string | undefined;
  let failures = 0;
  /** A `/vpn ping <name> from <site>` waiting for its pasted output, ended by an empty line. */
  let paste: { name: string; site: string; lines: string[] } | undefined;
  /** A `/vpn plan` waiting for its YAML, line by line, ended by a line of ```. */
  let yaml: string[] | undefined;
  /** The run in flight, suspended by `interrupt`. */
  let running: AbortController | undefined;
  /** The run in flight has ended (its matrix may still be being measured). */
  let runEnded = false;
  let stopped = false;
  /** A command is being handled (an interruption then waits for it). */
  let busy = false;
  const now = options.now ?? Date.now;
  const tag = services.sandbox ? ' [sandbox]' : '';
  const fail = (text: string) => {
    failures++;
    ui.print(text);
  };
  /** A read of the cloud the person waits on: said after a second (a real cloud that does not answer). */
  const slow = <T>(fn: () => Promise<T>) =>
    withSlowNotice(
      { stderr: (t) => ui.print(t.trimEnd()) },
      services.cloud,
      'Reading what the cloud holds: waiting on',
      fn,
    );

  async function showMatrix(r: MeasureResult | undefined): Promise<void> {
    if (!r) return;
    if (!r.ok) return fail(`Ping matrix not measured: ${r.refusal}`);
    ui.print(`${renderMatrixTable(r.matrix)}\nHeat map: ${await writeHeatMap(r.matrix)}`);
  }

  /** The matrix's heat map under the data directory; its path. */
  async function writeHeatMap(matrix: PingMatrix): Promise<string> {
    const stamp = new Date(matrix.measuredAt).toISOString().replace(/[:.]/g, '-');
    const file = join(options.dataDir, `${matrix.topology}-ping-${stamp}.png`);
    await ui.writeFile(file, renderHeatMapPng(matrix, { sandbox: services.sandbox }));
    return file;
  }

  /** Finishes what a stopped process left, as every front end does at its start. */
  async function resume(): Promise<void> {
    let any = false;
    const outcomes = await suspendable((suspend, onEvent) =>
      resumeToEnd(services, {
        suspend,
        onEvent,
        onResume: (run) => {
          any = true;
          ui.print(
            `Resuming the ${run.kind} ${run.id} of ${run.topology} that a stopped process left (requested by ${run.requester}).${tag}`,
          );
          return undefined;
        },
      }),
    );
    for (const outcome of outcomes) await report(outcome);
    if (any && outcomes.length === 0) ui.print('Another process resumed it first.');
  }

  async function decide(planId: string | undefined, decision: 'approve' | 'reject', reason = ''): Promise<void> {
    const id = planId ?? lastPlan;
    if (!id) return fail(`Nothing to ${decision}: plan something first (/vpn plan seed).`);
    // A run another process left would hold its topology: finish it first, as at the start.
    if (decision === 'approve') await resume();
    if (stopped) return;
    const d = await decidePlan(services, {
      planId: id,
      actor: user,
      decision,
      now: now(),
      policy: options.policy,
      ...(reason ? { reason } : {}),
    });
    if (!d.ok) return fail(`Nothing changed: ${d.reason}.`);
    if (decision === 'reject') return ui.print(`Rejected by ${user}${reason ? `: ${reason}` : ''}.`);
    if (!d.complete)
      return ui.print(
        `Your approval is recorded (${d.approvers.join(', ')}); the plan needs ${options.policy.requiredApprovals - d.approvers.length} more: /as <someone> then /approve.`,
      );
    ui.print(`Approved by ${d.approvers.join(', ')}: running.${tag}`);
    await report(await suspendable((suspend, onEvent) => runToEnd(services, d.record, { onEvent, suspend })));
  }

  /** Runs `fn` with a progress display and the signal `interrupt` aborts. */
  async function suspendable<T>(fn: (suspend: AbortSignal, onEvent: EngineListener) => Promise<T>): Promise<T> {
    const progress = ui.progress();
    running = new AbortController();
    runEnded = false;
    try {
      return await fn(running.signal, (e) => {
        if (e.type === 'run-finished') runEnded = true;
        progress.onEvent(e);
      });
    } finally {
      running = undefined;
      progress.end();
    }
  }

  /** How a run ended: its failures, then the matrix it was measured with. */
  async function report(outcome: RunOutcome): Promise<void> {
    const result = outcome.result;
    if (result.status === 'running')
      return ui.print(
        `The ${result.kind} of ${result.topology} is suspended (${result.runId}): what was under way is recorded, and it resumes at the next start of vpnbot (npm start, vpnbot local, vpnbot apply).`,
      );
    for (const f of result.failures)
      ui.print(
        `  failed ${f.stepId}: ${f.message} [${f.code}]${f.requestId ? ` (request ${f.requestId})` : ''}${f.hint ? `\n    ${f.hint}` : ''}`,
      );
    if (result.status !== 'succeeded')
      fail(
        result.kind === 'rotate'
          ? `The key rotation ${result.status}: /vpn rotate ${result.topology} proposes the keys left to rotate.`
          : `The ${result.kind} ${result.status}: /vpn apply ${result.topology} plans what is left.`,
      );
    else if (outcome.waitingFor?.length) {
      const sites = outcome.waitingFor.map((w) => w.site);
      ui.print(
        [
          `The cloud side of ${result.topology} is done: waiting for ${sites.join(' and ')}'s device${sites.length > 1 ? 's' : ''}.`,
          ...outcome.waitingFor.map(checklistText),
          `Configure it: /vpn config ${result.topology} ${sites[0]} <vendor>${services.control ? `; in the sandbox, /device ${result.topology} ${sites[0]} plays it` : ''}. The ping matrix follows once every tunnel is up.`,
        ].join('\n'),
      );
    } else
      ui.print(
        result.kind === 'rotate'
          ? `The key rotation of ${result.topology} succeeded: every key changed, the matrix green after each.`
          : `The ${result.kind} of ${result.topology} succeeded.`,
      );
    await showMatrix(outcome.matrix);
    if (outcome.matrixError !== undefined)
      fail(`Ping matrix not measured: ${outcome.matrixError}; /vpn ping ${result.topology} tries again.`);
  }

  async function show(result: ProposalResult): Promise<void> {
    if (!result.ok) return fail('refusal' in result ? result.refusal : formatProblems(result.problems));
    const p = result.proposal;
    if (!p.changes) return ui.print(`No changes: the cloud matches topology ${p.record.topology}.${tag}`);
    lastPlan = p.record.id;
    ui.print(
      `${p.record.text}\n\nPlan ${p.record.id}, asked by ${p.record.requester}. ${approverWords(options.policy)}.${tag}`,
    );
    if (!ui.choose) return ui.print('Type /approve or /reject (the buttons in Slack).');
    const choice = await ui.choose(`${p.record.topology}: approve this plan as ${user}?`, [
      { value: 'approve', label: 'Approve' },
      { value: 'reject', label: 'Reject' },
      { value: 'later', label: 'Decide later (/approve, /as <user>)' },
    ]);
    if (choice === 'approve' || choice === 'reject') await decide(p.record.id, choice);
  }

  async function vpn(text: string): Promise<void> {
    const cmd = parseVpnCommand(text);
    switch (cmd.kind) {
      case 'help':
        return ui.print(CONSOLE_HELP);
      case 'invalid':
        return fail(`${cmd.message}. ${cmd.hint}`);
      case 'plan': {
        const form = cmd.form;
        if (form === 'modal') {
          yaml = [];
          return ui.print('Type or paste the YAML topology; end it with a line of ```.');
        }
        return show(
          await slow(() =>
            proposeTopology(services, { text: cmd.text, form }, options.validation, {
              requester: user,
              now: now(),
              policy: options.policy,
            }),
          ),
        );
      }
      case 'apply':
      case 'destroy':
        return show(
          await slow(() =>
            proposeKnown(services, cmd.name, {
              requester: user,
              now: now(),
              policy: options.policy,
              kind: cmd.kind,
            }),
          ),
        );
      case 'status': {
        const r = statusOf(services, cmd.name ? [cmd.name] : undefined);
        if (r.unknown.length) return fail(`No topology named "${r.unknown[0]}".`);
        if (r.topologies.length === 0) return ui.print('No topologies yet. Try: /vpn plan seed');
        ui.print(r.topologies.map(topologyStatusLine).join('\n'));
        const detail = cmd.name ? await topologyDetail(services, cmd.name) : undefined;
        if (detail) ui.print(topologyDetailText(detail, renderMatrixTable));
        return;
      }
      case 'rotate':
        return show(
          await proposeRotation(services, cmd.name, cmd.site, { requester: user, now: now(), policy: options.policy }),
        );
      case 'doctor': {
        const r = await slow(() => doctorNamed(services, cmd.topology, options.validation));
        if (!r.ok) return fail(formatProblems(r.problems));
        return ui.print(`Preflight${r.topology ? ` of ${r.topology}` : ''}:${tag}\n${preflightText(r.report)}`);
      }
      case 'config': {
        // The console is the operator at the database's keyboard: the keys go into an owner-only file, as in the CLI.
        const r = await deviceConfiguration(services, {
          topology: cmd.name,
          site: cmd.site,
          ...(cmd.vendor ? { vendor: cmd.vendor } : {}),
          actor: user,
          to: `an owner-only file under ${options.dataDir}`,
          now: new Date(now()),
          keys: 'always',
        });
        if (!r.ok) return fail(r.refusal);
        const file = join(options.dataDir, r.fileName);
        await ui.writeFile(file, Buffer.from(r.text, 'utf8'), { ownerOnly: true });
        return ui.print(
          `Wrote ${file} (owner-only, mode 600): the ${r.vendor.title} configuration of ${cmd.site}'s device, with its pre-shared keys.${tag}`,
        );
      }
      case 'ping': {
        if (cmd.mode === 'history') {
          const h = pingHistory(services, cmd.name);
          if (!h.ok) return fail(h.refusal);
          return ui.print(
            [
              `Ping history of ${cmd.name} (oldest first, B = baseline):`,
              ...h.trends.map((t) => `  ${renderTrend(t)}`),
            ].join('\n'),
          );
        }
        if (cmd.mode === 'paste')
          return showMatrix(pastePingRow(services, cmd.name, cmd.site, cmd.output, { actor: user, at: now() }));
        // An unknown name is said before anything is measured.
        const refusal = measureRefusal(services, cmd.name);
        if (refusal !== undefined) return fail(`Ping matrix not measured: ${refusal}`);
        ui.print(`Measuring the ping matrix of ${cmd.name} through Cloud Assistant...${tag}`);
        return showMatrix(await measureTopology(services, cmd.name, { trigger: 'manual', actor: user }));
      }
    }
  }

  let checking = false;
  /** Prints what changed for the awaited devices; how many of them something happened to. */
  async function checkDevices(): Promise<number> {
    if (checking) return 0;
    checking = true;
    try {
      const updates = await checkDeviceWaits(services, {
        now: now(),
        diagnoseAfterMs: options.diagnoseAfterMs ?? DEFAULT_DIAGNOSIS_AFTER_MS,
      });
      for (const u of updates) {
        ui.print(updateText(u));
        if (u.complete) await showMatrix(u.matrix);
        if (u.matrixError !== undefined) fail(`Ping matrix not measured: ${u.matrixError}`);
      }
      return updates.length;
    } catch (e) {
      ui.print(`Could not check the awaited devices: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    } finally {
      checking = false;
    }
  }

  async function device(args: readonly string[]): Promise<void> {
    const [name, site, mistake = 'right'] = args;
    if (!name || !site || !(DEVICE_MISTAKES as readonly string[]).includes(mistake))
      return fail(`Usage: /device <name> <site> [${DEVICE_MISTAKES.join('|')}]`);
    const r = await playDevice(services, {
      topology: name,
      site,
      mistake: mistake as DeviceMistake,
      actor: user,
      now: new Date(now()),
    });
    if (!r.ok) return fail(`The device was not played: ${r.refusal}.`);
    ui.print(
      `The sandbox plays ${site}'s device${mistake === 'right' ? '' : `, with a mistake: ${mistake}`} (${r.tunnels} IPsec SAs).${tag}`,
    );
    // Its tunnels negotiate for a moment: say what they did, as the schedule would, once they have.
    for (let waited = 0; waited < DEVICE_SETTLE_MS; waited += 100) {
      if ((await checkDevices()) > 0) return;
      await services.pacing.sleep(100);
    }
  }

  async function demo(): Promise<void> {
    await resume();
    if (stopped) return;
    let progress: ReturnType<ConsoleUi['progress']> | undefined;
    const heatMaps: Promise<string>[] = [];
    running = new AbortController();
    let ok: boolean;
    try {
      ok = await runDemo(services, {
        actor: user,
        validation: options.validation,
        suspend: running.signal,
        onIntent: (n, total, intent) => {
          ui.print(`\n[${n}/${total}] ${intent}`);
        },
        onPlan: (text) => {
          ui.print(text);
          progress = ui.progress();
        },
        onEvent: (e) => progress?.onEvent(e),
        onStage: (st) => {
          progress?.end();
          progress = undefined;
          if (st.matrix) {
            ui.print(renderMatrixTable(st.matrix));
            heatMaps.push(writeHeatMap(st.matrix));
          }
          ui.print(`${st.ok ? '  -> done' : '  -> NOT AS SAID'}: ${st.outcome}`);
        },
      });
    } finally {
      running = undefined;
      progress?.end();
    }
    const maps = await Promise.all(heatMaps);
    if (maps.length) ui.print(`\nHeat maps: ${maps.join(', ')}`);
    if (ok) ui.print(`\nThe demo did all it said.${tag}`);
    else fail('\nThe demo stopped: a stage did not do what it said (above).');
  }

  async function handleLine(raw: string): Promise<boolean> {
    if (yaml) {
      if (raw.trim() !== '```' && !/^```\s*ya?ml\s*$/i.test(raw.trim())) {
        yaml.push(raw);
        return true;
      }
      if (yaml.length === 0) return true;
      const text = yaml.join('\n');
      yaml = undefined;
      await vpn(`plan \`\`\`\n${text}\n\`\`\``);
      return !stopped;
    }
    if (paste) {
      if (raw.trim() !== '' && raw.trim() !== '```') {
        paste.lines.push(raw);
        return true;
      }
      if (raw.trim() === '```' && paste.lines.length === 0) return true;
      const p = paste;
      paste = undefined;
      await vpn(`ping ${p.name} from ${p.site}\n${p.lines.join('\n')}`);
      return true;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return true;
    try {
      const [word = '', ...rest] = line.split(/\s+/);
      switch (word.toLowerCase()) {
        case '/quit':
        case '/exit':
          return false;
        case '/help':
          ui.print(CONSOLE_HELP);
          return true;
        case '/whoami':
          ui.print(`You are ${user}.`);
          return true;
        case '/as':
          if (!rest[0] || !/^[\w.@-]{1,64}$/.test(rest[0])) {
            fail('Usage: /as <user> (letters, digits, . _ @ -)');
            return true;
          }
          user = rest[0];
          ui.print(`You are now ${user}. ${approverWords(options.policy)}.`);
          return true;
        case '/approve':
        case '/reject':
          await decide(
            rest[0]?.startsWith('plan-') ? rest[0] : undefined,
            word === '/approve' ? 'approve' : 'reject',
            rest.filter((w) => !w.startsWith('plan-')).join(' '),
          );
          return !stopped;
        case '/demo':
          await demo();
          return !stopped;
        case '/device':
          await device(rest);
          return !stopped;
      }
      const text = /^\/?vpn(\s|$)/i.test(line) ? line.replace(/^\/?vpn\s*/i, '') : line.replace(/^\//, '');
      // `plan ```yaml` opens a block as `plan` alone does: the YAML follows, line by line.
      if (/^plan\s+```\s*(ya?ml)?\s*$/i.test(text)) {
        yaml = [];
        ui.print('Type or paste the YAML topology; end it with a line of ```.');
        return true;
      }
      const pasteStart = /^ping\s+(\S+)\s+from\s+(\S+)\s*$/.exec(text);
      if (pasteStart) {
        paste = { name: pasteStart[1]!, site: pasteStart[2]!, lines: [] };
        ui.print('Paste the ping output from that host; end with an empty line.');
        return true;
      }
      await vpn(text);
      await checkDevices();
    } catch (e) {
      fail(`vpnbot could not finish that: ${e instanceof Error ? e.message : String(e)}`);
    }
    return !stopped;
  }

  return {
    user: () => user,
    failures: () => failures,
    checkDevices,
    resume,
    interrupt() {
      stopped = true;
      if (!running) {
        ui.print(
          busy
            ? '\nInterrupted: leaving once this command is done (Ctrl-C again: at once).'
            : '\nInterrupted: leaving.',
        );
        return false;
      }
      running.abort();
      ui.print(
        runEnded
          ? '\nInterrupted: the run has ended; leaving once its ping matrix is measured (Ctrl-C again: at once).'
          : '\nInterrupted: no new step starts; the steps under way stop at their next wait, recorded. The run resumes at the next start of vpnbot. Ctrl-C again exits at once (it still resumes).',
      );
      return true;
    },
    async handle(raw) {
      if (stopped) return false;
      busy = true;
      try {
        return await handleLine(raw);
      } finally {
        busy = false;
      }
    },
  };
}

/** The greeting: who you are, what you may approve, where things go. */
export function consoleGreeting(services: AppServices, user: string, policy: ApprovalPolicy, dataDir: string): string {
  return [
    `vpnbot local console. You are ${user}; ${policy.allowSelfApproval ? 'here you may approve your own plans' : "your own plans need someone else's approval"} (/as <user> to act as someone else).`,
    `${approverWords(policy)}. Heat maps are written under ${dataDir}. /help lists the commands, /quit leaves.`,
    // The sandbox label is printed once before (every command's first line says so).
    ...(services.sandbox ? [] : [`Cloud: ${services.cloud.target}`]),
  ].join('\n');
}
