/**
 * The Slack front end on Bolt: `/vpn` commands, the Approve / Reject buttons, the plan form, and
 * progress in the plan's thread. It only transports and renders: every decision is a use case of
 * src/app. Slack's 3 s rule holds because each listener acks first and works after.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type BlockAction, type ButtonAction, type SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppServices } from '../../src/app/app-services';
import { approverWords, channelAllowed, type ApprovalPolicy, type GroupMembers } from '../../src/app/approval-policy';
import { decidePlan, proposeKnown, proposeRollback, proposeTopology, retryRun, runApprovedPlan, statusOf, type FollowUp, type ProposalResult } from '../../src/app/use-cases';
import { parseVpnCommand, type VpnCommand } from '../../src/app/vpn-command';
import { changesSince, measureAfterApply, measurableTopologies, measureTopology, pastePingRow, pingHistory, type MeasureResult } from '../../src/app/ping-use-cases';
import { renderHeatMapPng } from '../../src/probe/heat-map';
import type { PingMatrix } from '../../src/probe/ping-matrix';
import type { Config, SlackConfig } from '../../src/config';
import { ERROR_CODES, isVpnbotError } from '../../src/errors';
import type { RunRecord } from '../../src/engine/engine-store';
import type { EngineListener } from '../../src/engine/engine-events';
import { logEngineEvents } from '../../src/log/log-engine-events';
import { validationOptions } from '../../src/config';
import { isDestroyPlan } from '../../src/planner/plan';
import { Turnstile } from '../../src/dag/turnstile';
import { summaryLine } from '../../src/planner/render-plan';
import {
  ACTION_APPROVE, escapeMrkdwn, ACTION_KEEP, approvalsSoFar, ACTION_REJECT, ACTION_RETRY, ACTION_ROLLBACK, decidedMessage, failureMessage, helpMessage, planMessage, planTextChunks, problemsMessage, statusMessage, textMessage, type Block, type SlackMessage,
} from './blocks';
import { changeMessage, historyMessage, homeView, matrixMessage } from './ping-blocks';
import { newProgressState, ProgressMessage } from './progress-message';
import { guardSlackRequests } from './request-guard';
import { EVENTS_PATH, VPN_COMMAND } from './slack-scopes';

export const PLAN_VIEW = 'plan.submit';
export const REJECT_VIEW = 'plan.reject.submit';

export interface SlackFrontEnd {
  readonly app: App;
  /** Starts listening (HTTP: on `port`, 0 for any); returns the port, or undefined in Socket Mode. */
  start(): Promise<number | undefined>;
  /** Resumes runs a previous process left, reporting in their threads. */
  resumeRuns(): Promise<void>;
  /** Runs started by this process and not finished yet. */
  readonly active: Set<Promise<unknown>>;
  stop(): Promise<void>;
}

type Respond = (message: Record<string, unknown>) => Promise<unknown>;

export function createSlackFrontEnd(s: AppServices, config: Config & { slack: SlackConfig }): SlackFrontEnd {
  const slack = config.slack;
  const policy: ApprovalPolicy = config.approval;
  const active = new Set<Promise<unknown>>();
  const log = s.logger;
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    // Retries with backoff on 5xx and network errors; 429s wait for Retry-After (the client's own handling).
    retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
    // A call Slack does not answer in time is abandoned and retried like a 5xx.
    timeout: slack.timeoutMs,
  };
  // Socket Mode: the receiver is built here so that its connection (apps.connections.open) uses the same API URL.
  const socket = slack.appToken ? new SocketModeReceiver({ appToken: slack.appToken, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } }) : undefined;
  /** Whether the cloud answers a cheap signed read (DescribeZones), checked at most every 30 s. */
  let cloudCheck: { at: number; ok: Promise<boolean> } | undefined;
  const cloudReachable = (): Promise<boolean> => {
    if (!cloudCheck || Date.now() - cloudCheck.at > 30_000) {
      cloudCheck = { at: Date.now(), ok: s.cloud.zones('cn-hangzhou').then(() => true, () => false) };
    }
    return cloudCheck.ok;
  };
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        let db = true;
        try {
          s.store.topologies();
        } catch {
          db = false;
        }
        const cloud = await cloudReachable();
        const ok = db && cloud;
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok, database: db ? 'open' : 'unreadable', cloud: s.sandbox ? 'sandbox' : s.cloud.target, cloudReachable: cloud }));
      })();
    },
  };
  // HTTP mode: Bolt's receiver behind our own server, so every request passes the stricter guard
  // first. The guard is the one signature check: Bolt would only repeat it on the body it passes on.
  const http = socket ? undefined : new HTTPReceiver({
    signingSecret: slack.signingSecret!, signatureVerification: false, endpoints: [EVENTS_PATH], customRoutes: [healthz], logLevel: LogLevel.ERROR,
  });
  let server: Server | undefined;
  const app = new App({
    token: slack.botToken,
    ...(socket ? { socketMode: true, appToken: slack.appToken!, receiver: socket } : { receiver: http! }),
    logLevel: LogLevel.ERROR,
    clientOptions,
  });

  /** User group members, cached briefly (usergroups.users.list is Tier 2). */
  const groupCache = new Map<string, { at: number; ids: readonly string[] }>();
  const members = (client: WebClient): GroupMembers => async (group) => {
    const hit = groupCache.get(group);
    if (hit && Date.now() - hit.at < 5 * 60_000) return hit.ids;
    const r = await client.usergroups.users.list({ usergroup: group });
    const ids = (r.users ?? []) as string[];
    groupCache.set(group, { at: Date.now(), ids });
    return ids;
  };

  /**
   * Errors as a short private reply: what the requester can fix is said in its own words and hint
   * (with the thread it concerns, when there is one); any other fault gets its code and an id to find
   * the log line. Never a stack or a secret.
   */
  const fault = async (respond: Respond, e: unknown, where: string) => {
    const id = randomBytes(4).toString('hex');
    const code = isVpnbotError(e) ? e.code : 'engine.fault';
    log.error({ err: e, faultId: id, where }, `slack ${where} failed`);
    const thread = isVpnbotError(e) ? (e.details.thread as { channel: string; ts: string } | undefined) : undefined;
    const userFacing = isVpnbotError(e) && ERROR_CODES[e.code].userFixable
      ? `${e.message}${thread ? ` (<https://slack.com/app_redirect?channel=${thread.channel}&message_ts=${thread.ts}|its thread>)` : ''}. ${ERROR_CODES[e.code].hint}.`
      : `vpnbot could not finish that (${code}, log id ${id}).`;
    await respond({ response_type: 'ephemeral', replace_original: false, text: userFacing }).catch(() => undefined);
  };

  /** Posts a proposal in the channel (others must see it to approve), or answers privately why not. */
  async function post(result: ProposalResult, kind: 'apply' | 'destroy', channel: string, client: WebClient, respond: Respond): Promise<void> {
    if (!result.ok) {
      await respond({ response_type: 'ephemeral', ...('refusal' in result ? textMessage(result.refusal) : problemsMessage(result.problems)) });
      return;
    }
    const p = result.proposal;
    if (!p.changes) {
      await respond({ response_type: 'ephemeral', ...textMessage(`No changes: the cloud matches topology *${p.record.topology}*.${s.sandbox ? ' [sandbox]' : ''}`) });
      return;
    }
    const message = planMessage(p, { sandbox: s.sandbox, approvers: approverWords(policy), kind });
    const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never[] });
    s.store.planMessage(p.record.id, channel, posted.ts!);
    if (message.truncated) {
      for (const chunk of planTextChunks(p.record.text)) await client.chat.postMessage({ channel, thread_ts: posted.ts!, text: chunk });
    }
  }

  const heavyWork = new Turnstile(2);
  app.command(VPN_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    try {
      const allowed = channelAllowed(policy, command.channel_id);
      if (!allowed.ok) return void (await respond({ response_type: 'ephemeral', text: allowed.reason }));
      const cmd = parseVpnCommand(command.text ?? '');
      // Planning and measuring wait their turn, two at a time, so a burst of them cannot hold up the
      // acks of the requests behind (Slack's 3 s); help, status and refusals go straight through.
      const release = cmd.kind === 'plan' || cmd.kind === 'apply' || cmd.kind === 'destroy' || cmd.kind === 'ping' ? await heavyWork.turn() : undefined;
      try {
        await answer(cmd, command, respond, client);
      } finally {
        release?.();
      }
    } catch (e) {
      await fault(respond as Respond, e, 'command');
    }
  });

  async function answer(cmd: VpnCommand, command: SlashCommand, respond: Respond, client: WebClient): Promise<void> {
    const now = Date.now();
    switch (cmd.kind) {
      case 'help':
        return void (await respond({ response_type: 'ephemeral', ...helpMessage(s.sandbox) }));
      case 'invalid':
        return void (await respond({ response_type: 'ephemeral', ...textMessage(`${cmd.message}. ${cmd.hint}`) }));
      case 'plan':
        if (cmd.form === 'modal') {
          await client.views.open({ trigger_id: command.trigger_id, view: planView(command.channel_id) as never });
          return;
        }
        return void (await post(await proposeTopology(s, { text: cmd.text, form: cmd.form }, validationOptions(config), { requester: command.user_id, now, policy }), 'apply', command.channel_id, client, respond));
      case 'apply':
      case 'destroy':
        return void (await post(await proposeKnown(s, cmd.name, { requester: command.user_id, now, policy, kind: cmd.kind }), cmd.kind, command.channel_id, client, respond));
      case 'status': {
        const report = statusOf(s, cmd.name ? [cmd.name] : undefined);
        if (report.unknown.length) return void (await respond({ response_type: 'ephemeral', text: `No topology named "${report.unknown[0]}". \`/vpn status\` lists them.` }));
        return void (await respond({ response_type: 'ephemeral', ...statusMessage(report.topologies, s.sandbox) }));
      }
      case 'ping': {
        if (cmd.mode === 'history') {
          const h = pingHistory(s, cmd.name);
          return void (await respond({ response_type: 'ephemeral', ...(h.ok ? historyMessage(cmd.name, h.trends, h.measurements, s.sandbox) : textMessage(h.refusal)) }));
        }
        if (cmd.mode === 'paste') {
          const r = pastePingRow(s, cmd.name, cmd.site, cmd.output, { actor: command.user_id, at: now });
          return void (await showMatrix(r, command.channel_id, undefined, client, respond, `*${escapeMrkdwn(cmd.name)}*: row from *${escapeMrkdwn(cmd.site)}* pasted by <@${command.user_id}>`));
        }
        await respond({ response_type: 'ephemeral', text: `Measuring the ping matrix of *${cmd.name}* through Cloud Assistant…` });
        const r = await measureTopology(s, cmd.name, { trigger: 'manual', actor: command.user_id });
        return void (await showMatrix(r, command.channel_id, undefined, client, respond, `*Ping matrix for ${escapeMrkdwn(cmd.name)}*, asked by <@${command.user_id}>`));
      }
    }
  }

  app.view(PLAN_VIEW, async ({ ack, view, body, client }) => {
    const text = String(view.state.values.topology?.yaml?.value ?? '');
    const channel = view.private_metadata;
    const result = await proposeTopology(s, { text, form: 'yaml' }, validationOptions(config), { requester: body.user.id, now: Date.now(), policy });
    if (!result.ok) {
      const words = 'refusal' in result ? result.refusal : result.problems.slice(0, 5).map((p) => `${p.path ? `${p.path}: ` : ''}${p.message} (${p.hint})`).join('\n');
      await ack({ response_action: 'errors', errors: { topology: words.slice(0, 1900) } });
      return;
    }
    await ack();
    const respond: Respond = (m) => client.chat.postEphemeral({ channel, user: body.user.id, text: String(m.text ?? ''), ...(m.blocks ? { blocks: m.blocks as never[] } : {}) });
    try {
      await post(result, 'apply', channel, client, respond);
    } catch (e) {
      await fault(respond, e, 'view');
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTION_APPROVE, async ({ ack, body, action, client, respond }) => {
    await ack();
    try {
      // A click from a channel vpnbot may not be used in (the policy changed since the plan was posted).
      const allowed = channelAllowed(policy, body.channel?.id ?? '');
      if (!allowed.ok) {
        s.store.audit(body.user.id, 'plan.approve.refused', '-', { planId: (action.value ?? '').slice(0, 64), reason: allowed.reason }, Date.now());
        return void (await respond({ response_type: 'ephemeral', replace_original: false, text: `Nothing changed: ${allowed.reason}.` }));
      }
      const d = await decidePlan(s, { planId: action.value ?? '', actor: body.user.id, decision: 'approve', now: Date.now(), policy, members: members(client) });
      if (!d.ok) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: `Nothing changed: ${d.reason}.` }));
      const channel = body.channel?.id ?? d.record.message?.channel ?? '';
      const ts = body.message?.ts ?? d.record.message?.ts ?? '';
      const original: SlackMessage = { text: String(body.message?.text ?? ''), blocks: (body.message?.blocks ?? []) as Block[] };
      if (!d.complete) {
        await client.chat.update({ channel, ts, ...asArgs(approvalsSoFar(original, d.approvers, policy.requiredApprovals)) });
        return void (await respond({ response_type: 'ephemeral', replace_original: false, text: `Your approval is recorded; the plan needs ${policy.requiredApprovals - d.approvers.length} more.` }));
      }
      await client.chat.update({ channel, ts, ...asArgs(decidedMessage(original, `:white_check_mark: Approved by <@${body.user.id}>: the run started; progress is in the thread.`)) });
      const run = track(runInThread(d.record.id, { channel, ts }, client));
      await run;
    } catch (e) {
      await fault(respond as Respond, e, 'approve');
    }
  });
  // Reject asks why first (a form); the decision is made when the form is sent.
  app.action<BlockAction<ButtonAction>>(ACTION_REJECT, async ({ ack, body, action, client, respond }) => {
    await ack();
    try {
      const meta = JSON.stringify({ planId: action.value ?? '', channel: body.channel?.id ?? '', ts: body.message?.ts ?? '' });
      await client.views.open({ trigger_id: body.trigger_id, view: rejectView(meta) as never });
    } catch (e) {
      await fault(respond as Respond, e, 'reject');
    }
  });

  app.view(REJECT_VIEW, async ({ ack, view, body, client }) => {
    await ack();
    let meta: { planId: string; channel: string; ts: string };
    try {
      meta = JSON.parse(view.private_metadata) as typeof meta;
    } catch {
      return;
    }
    const reason = String(view.state.values.reason?.text?.value ?? '').trim().slice(0, 500);
    const respond: Respond = (m) => client.chat.postEphemeral({ channel: meta.channel, user: body.user.id, text: String(m.text ?? '') });
    try {
      const d = await decidePlan(s, { planId: meta.planId, actor: body.user.id, decision: 'reject', reason, now: Date.now(), policy, members: members(client) });
      if (!d.ok) return void (await respond({ text: `Nothing changed: ${d.reason}.` }));
      const line = `:no_entry: Rejected by <@${body.user.id}>${reason ? `: ${escapeMrkdwn(reason)}` : '.'}`;
      await client.chat.update({ channel: meta.channel, ts: meta.ts, text: line, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(d.record.topology)}*: ${escapeMrkdwn(summaryLine(d.record.plan))}\n${line}` } }] as never[] });
    } catch (e) {
      await fault(respond, e, 'reject form');
    }
  });

  /** Engine events go to the operator's structured log as well as to the thread. */
  const logEvents = logEngineEvents(log);
  const logged = (listener?: EngineListener): EngineListener => (e) => {
    logEvents(e);
    listener?.(e);
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p);
    void p.finally(() => active.delete(p)).catch(() => undefined);
    return p;
  };

  /** Runs an approved plan with one progress message in the plan's thread, and reports the end. */
  async function runInThread(planId: string, thread: { channel: string; ts: string }, client: WebClient): Promise<void> {
    const record = s.store.plan(planId)!;
    const kind = isDestroyPlan(record.plan) ? 'destroy' : 'apply';
    const progress = await startProgress(record.topology, kind, thread, client);
    const result = await runApprovedPlan(s, record, { onEvent: logged(progress.onEvent), thread });
    await progress.finish();
    if (result.failures.length > 0) await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, ...asArgs(failureMessage(result.runId, kind, result.failures)) });
    if (kind === 'apply') await matrixAfterApply(record.topology, record.requester, result.status === 'succeeded', thread, client);
  }

  /** The last step of an apply: the measured matrix in the run's thread (the topology's baseline). */
  async function matrixAfterApply(topology: string, actor: string, succeeded: boolean, thread: { channel: string; ts: string }, client: WebClient): Promise<void> {
    try {
      const r = await measureAfterApply(s, topology, { actor, succeeded });
      if (!r) return;
      const say: Respond = (m) => client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: String(m.text ?? '') });
      await showMatrix(r, thread.channel, thread.ts, client, say, `*Ping matrix for ${escapeMrkdwn(topology)}* after the apply (the baseline)`);
    } catch (e) {
      log.warn({ err: e, topology }, 'the ping matrix after the apply could not be measured');
      await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: 'The ping matrix could not be measured after the apply; `/vpn ping` tries again.' }).catch(() => undefined);
    }
  }

  /**
   * Posts a matrix (in `threadTs`, or in the channel) and uploads its heat map into the thread; a
   * refusal goes back privately. A failed upload loses only the picture, said in the thread.
   */
  async function showMatrix(r: MeasureResult, channel: string, threadTs: string | undefined, client: WebClient, respond: Respond, title: string): Promise<void> {
    if (!r.ok) return void (await respond({ response_type: 'ephemeral', ...textMessage(r.refusal) }));
    const message = matrixMessage(r.matrix, { sandbox: s.sandbox, title });
    const posted = await client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...asArgs(message) });
    await uploadHeatMap(r.matrix, channel, threadTs ?? posted.ts!, client);
  }

  async function uploadHeatMap(m: PingMatrix, channel: string, threadTs: string, client: WebClient): Promise<void> {
    try {
      const png = renderHeatMapPng(m, { sandbox: s.sandbox });
      const stamp = new Date(m.measuredAt).toISOString().replace(/[:.]/g, '-');
      await client.files.uploadV2({
        channel_id: channel, thread_ts: threadTs, file: png, filename: `${m.topology}-ping-matrix-${stamp}.png`,
        title: `Ping matrix: ${m.topology}${s.sandbox ? ' (sandbox)' : ''}`, alt_text: `Heat map of the ping matrix of ${m.topology}`,
      });
    } catch (e) {
      log.warn({ err: e }, 'heat map upload failed');
      await client.chat.postMessage({ channel, thread_ts: threadTs, text: 'The heat map could not be uploaded (the table above is complete); `vpnbot ping <name> --png FILE` writes it locally.' }).catch(() => undefined);
    }
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if ((event as { tab?: string }).tab !== 'home') return;
    try {
      const { topologies } = statusOf(s);
      const rows = topologies.map((status) => {
        const latest = s.store.measurements(status.topology, 1)[0];
        return latest ? { status, matrix: latest.matrix } : { status };
      });
      await client.views.publish({ user_id: event.user, view: homeView(rows, s.sandbox) as never });
    } catch (e) {
      log.warn({ err: e }, 'App Home could not be published');
    }
  });

  /**
   * Scheduled re-checks: each applied topology with probes is measured again, and its thread is told
   * when a pair stops answering or answers again (transitions only: one alert per change).
   */
  let schedule: NodeJS.Timeout | undefined;
  let checking = false;
  async function recheckAll(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const busy = new Set(s.store.unfinishedRuns().map((r) => r.topology));
      for (const name of measurableTopologies(s).filter((n) => !busy.has(n))) {
        const r = await measureTopology(s, name, { trigger: 'scheduled', actor: 'vpnbot' });
        if (!r.ok) continue;
        const { regressed, recovered } = changesSince(r.previous?.matrix, r.matrix);
        const thread = s.store.runs(name, 50).find((x) => x.thread)?.thread;
        if (!thread || (regressed.length === 0 && recovered.length === 0)) continue;
        for (const [change, pairs] of [['regressed', regressed], ['recovered', recovered]] as const) {
          if (pairs.length) await app.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, ...asArgs(changeMessage(name, change, pairs, s.sandbox)) });
        }
        if (regressed.length) await uploadHeatMap(r.matrix, thread.channel, thread.ts, app.client);
      }
    } catch (e) {
      log.warn({ err: e }, 'scheduled ping re-check failed; trying again at the next interval');
    } finally {
      checking = false;
    }
  }

  /** Retry, Roll back and Keep as is, on a failed run's message in its thread. */
  const followUp = (what: 'retry' | 'rollback' | 'keep') => async ({ ack, body, action, client, respond }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; client: WebClient; respond: Respond }) => {
    await ack();
    try {
      const runId = action.value ?? '';
      const channel = body.channel?.id ?? '';
      const ts = body.message?.ts ?? '';
      const threadTs = String((body.message as { thread_ts?: string } | undefined)?.thread_ts ?? ts);
      const thread = { channel, ts: threadTs };
      const original: SlackMessage = { text: String(body.message?.text ?? ''), blocks: (body.message?.blocks ?? []) as Block[] };
      const done = (line: string) => client.chat.update({ channel, ts, ...asArgs(decidedMessage(original, line)) });
      if (what === 'keep') {
        s.store.audit(body.user.id, 'run.keep', runId, { runId }, Date.now());
        return void (await done(`Kept as is by <@${body.user.id}>.`));
      }
      let outcome: FollowUp;
      if (what === 'retry') {
        const run = s.store.run(runId);
        const progress = run ? await startProgress(run.topology, run.kind, thread, client) : undefined;
        outcome = await retryRun(s, runId, { actor: body.user.id, now: Date.now(), policy, members: members(client), onEvent: logged(progress?.onEvent), thread });
        if (progress) await (outcome.kind === 'retried' ? progress.finish() : progress.close(outcome.kind === 'proposal' ? 'Not retried: what is left differs from what was approved; a new plan is posted for approval.' : `Not retried: ${outcome.reason}.`));
      } else {
        outcome = await proposeRollback(s, runId, { actor: body.user.id, now: Date.now(), policy });
      }
      if (outcome.kind === 'nothing') return void (await respond({ response_type: 'ephemeral', replace_original: false, text: `Nothing done: ${outcome.reason}.` }));
      if (outcome.kind === 'proposal') {
        await done(`${what === 'retry' ? 'Retry' : 'Rollback'} asked by <@${body.user.id}>: a new plan needs approval.`);
        return void (await post({ ok: true, proposal: outcome.proposal }, what === 'rollback' ? 'destroy' : 'apply', channel, client, respond));
      }
      await done(`Retried by <@${body.user.id}>: ${outcome.result.status}.`);
      if (outcome.result.failures.length > 0) await client.chat.postMessage({ channel, thread_ts: threadTs, ...asArgs(failureMessage(outcome.result.runId, outcome.result.kind, outcome.result.failures)) });
      const retried = s.store.run(outcome.result.runId);
      if (outcome.result.kind === 'apply' && retried) await matrixAfterApply(retried.topology, body.user.id, outcome.result.status === 'succeeded', thread, client);
    } catch (e) {
      await fault(respond, e, `follow-up ${what}`);
    }
  };
  app.action<BlockAction<ButtonAction>>(ACTION_RETRY, followUp('retry') as never);
  app.action<BlockAction<ButtonAction>>(ACTION_ROLLBACK, followUp('rollback') as never);
  app.action<BlockAction<ButtonAction>>(ACTION_KEEP, followUp('keep') as never);
  // Any other button (an older message, a forged payload): acknowledged and answered, not left to time out.
  const KNOWN = new Set([ACTION_APPROVE, ACTION_REJECT, ACTION_RETRY, ACTION_ROLLBACK, ACTION_KEEP]);
  app.action({ type: 'block_actions' }, async ({ ack, action, respond }) => {
    if (KNOWN.has((action as { action_id?: string }).action_id ?? '')) return;
    await ack();
    await respond({ response_type: 'ephemeral', replace_original: false, text: 'Nothing changed: that button is not one this vpnbot knows (from an older message?). `/vpn status` shows where things stand.' }).catch(() => undefined);
  });

  async function startProgress(topology: string, kind: string, thread: { channel: string; ts: string }, client: WebClient): Promise<ProgressMessage> {
    const state = newProgressState(topology, kind, Date.now());
    const first = await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: `${kind === 'destroy' ? 'Destroying' : 'Applying'} ${topology}…` });
    return new ProgressMessage(state, {
      intervalMs: slack.progressIntervalMs,
      sandbox: s.sandbox,
      update: async (m) => void (await client.chat.update({ channel: thread.channel, ts: first.ts!, ...asArgs(m) })),
      onError: (e) => log.warn({ err: e }, 'progress update failed; retrying at the next tick'),
    });
  }

  return {
    app,
    active,
    async start() {
      if (slack.pingIntervalMs !== undefined) schedule = setInterval(() => void recheckAll(), slack.pingIntervalMs);
      if (socket) {
        await app.start();
        return undefined;
      }
      const listener = guardSlackRequests(http!.requestListener, {
        signingSecret: slack.signingSecret!, paths: [EVENTS_PATH], onRefused: (why) => log.warn({ why }, 'refused a request to /slack/events'),
      });
      const srv = createServer(listener);
      server = srv;
      await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(slack.port, () => resolve()));
      const address = srv.address();
      return typeof address === 'object' && address ? address.port : undefined;
    },
    async resumeRuns() {
      const threads: Promise<ProgressMessage | undefined>[] = [];
      const results = await s.engine.resume({
        onResume: (run: RunRecord) => {
          if (!run.thread) return undefined;
          const thread = run.thread;
          const p = app.client.chat
            .postMessage({ channel: thread.channel, thread_ts: thread.ts, text: `vpnbot restarted: resuming ${run.kind} \`${run.id}\` where it stopped.` })
            .then(() => startProgress(run.topology, run.kind, thread, app.client))
            .catch((e: unknown) => (log.warn({ err: e }, 'could not report a resumed run in its thread'), undefined));
          threads.push(p);
          // Events arrive before the message exists: buffer them through the promise.
          return logged((e) => void p.then((m) => m?.onEvent(e)));
        },
      });
      await Promise.all(threads.map((p) => p.then((m) => m?.finish())));
      for (const r of results) {
        const run = s.store.run(r.runId);
        if (r.kind === 'apply' && run?.thread) await matrixAfterApply(run.topology, run.requester, r.status === 'succeeded', run.thread, app.client);
      }
    },
    async stop() {
      if (schedule) clearInterval(schedule);
      if (socket) await app.stop();
      else {
        server?.closeIdleConnections();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      }
    },
  };
}

const asArgs = (m: SlackMessage) => ({ text: m.text, blocks: m.blocks as never[] });

/** A form of one multi-line text input, as the plan and reject forms are. */
function textForm(o: { callbackId: string; meta: string; title: string; submit: string; blockId: string; actionId: string; label: string; optional?: boolean; placeholder?: string }) {
  return {
    type: 'modal',
    callback_id: o.callbackId,
    private_metadata: o.meta,
    title: { type: 'plain_text', text: o.title },
    submit: { type: 'plain_text', text: o.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input', block_id: o.blockId, optional: o.optional ?? false, label: { type: 'plain_text', text: o.label },
        element: { type: 'plain_text_input', action_id: o.actionId, multiline: true, ...(o.placeholder ? { placeholder: { type: 'plain_text', text: o.placeholder } } : {}) },
      },
    ],
  };
}

const rejectView = (meta: string) =>
  textForm({ callbackId: REJECT_VIEW, meta, title: 'Reject the plan', submit: 'Reject', blockId: 'reason', actionId: 'text', label: 'Why? (recorded in the audit log)', optional: true });

const planView = (channel: string) =>
  textForm({ callbackId: PLAN_VIEW, meta: channel, title: 'Plan a topology', submit: 'Plan', blockId: 'topology', actionId: 'yaml', label: 'Topology (YAML)', placeholder: 'name: corp\nsites:\n  - name: japan\n    role: hub\n    ...' });
