/**
 * ECS 2014-05-26: Cloud Assistant. RunCommand runs the script now against the network as it is
 * (shell-interpreter.ts) and records when each instance's result becomes visible.
 */
import { ApiError, notFound } from '../api/api-error';
import { isoSeconds, reads, regionOf, tokenPage, writes, type ActionTable } from '../api/api-kit';
import { instanceStatus } from '../state/instance-state';
import { runShellScript } from '../guest/shell-interpreter';
import { LATENCY, type InvocationR, type World } from '../state/world';

/** Cloud Assistant keeps the first 24 KB of a command's output and reports the bytes dropped. */
const OUTPUT_LIMIT = 24 * 1024;

// ---- Cloud Assistant ------------------------------------------------------------------------

const describeCloudAssistantStatus = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.list('InstanceId');
  const all = [...w.instances.values()].filter(
    (i) => i.regionId === regionId && (ids.length === 0 || ids.includes(i.id)),
  );
  // MaxResults (1 to 50, 10 by default) and NextToken.
  const { items, nextToken } = tokenPage(ctx, all, 'MaxResults', 50, 10);
  return {
    NextToken: nextToken,
    InstanceCloudAssistantStatusSet: {
      InstanceCloudAssistantStatus: items.map((i) => ({
        InstanceId: i.id,
        CloudAssistantStatus: String(instanceStatus(w, i) === 'Running' && w.now() >= i.agentOnlineAt),
        CloudAssistantVersion: '2.2.3.857',
        OSType: 'Linux',
        SupportSessionManager: true,
        ActiveTaskCount: 0,
        InvocationCount: 0,
        LastHeartbeatTime: isoSeconds(w.now()),
        LastInvokedTime: lastInvoked(w, i.id),
      })),
    },
    TotalCount: all.length,
    PageNumber: 1,
    PageSize: items.length,
  };
});

/** When a command last ran on the instance ('' if never). */
function lastInvoked(w: World, instanceId: string): string {
  const last = Math.max(
    0,
    ...[...w.invocations.values()]
      .filter((inv) => inv.results.some((r) => r.instanceId === instanceId))
      .map((inv) => inv.createdAt),
  );
  return last > 0 ? isoSeconds(last) : '';
}

/** Runs the script now against the network as it is, and records when each result becomes visible. */
const runCommand = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const type = ctx.params.req('Type');
  if (!['RunShellScript', 'RunBatScript', 'RunPowerShellScript'].includes(type))
    throw new ApiError('InvalidCommandType', `Type ${type} is not valid.`, 400);
  const raw = ctx.params.req('CommandContent');
  const base64 = (ctx.params.opt('ContentEncoding') ?? 'PlainText').toLowerCase() === 'base64';
  const content = base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const timeout = ctx.params.int('Timeout', 60, 10, 86400);
  const ids = ctx.params.list('InstanceId');
  if (ids.length === 0) throw new ApiError('MissingInstanceId', 'InstanceId is mandatory for this action.', 400);
  const now = w.now();
  const results = ids.map((id) => {
    const inst = w.instances.get(id);
    if (!inst || inst.regionId !== regionId) throw notFound('InvalidInstanceId.NotFound', `instance ${id}`);
    const startAt = now + w.clock.delay(LATENCY.commandDelivery);
    if (instanceStatus(w, inst) !== 'Running')
      return {
        instanceId: id,
        startAt,
        finishAt: startAt,
        output: '',
        dropped: 0,
        exitCode: -1,
        finalStatus: 'Aborted',
        errorCode: 'InstanceNotRunning',
        errorInfo: `the instance is ${instanceStatus(w, inst)}`,
      };
    if (now < inst.agentOnlineAt)
      return {
        instanceId: id,
        startAt,
        finishAt: startAt,
        output: '',
        dropped: 0,
        exitCode: -1,
        finalStatus: 'Aborted',
        errorCode: 'ClientNotRunning',
        errorInfo: 'the Cloud Assistant agent is not online yet',
      };
    const run = runShellScript(w, inst, type, content, startAt);
    const bytes = Buffer.from(run.output);
    const output = bytes.length > OUTPUT_LIMIT ? bytes.subarray(0, OUTPUT_LIMIT).toString('utf8') : run.output;
    const dropped = Math.max(0, bytes.length - OUTPUT_LIMIT);
    const seconds = Math.min(run.seconds, timeout);
    const timedOut = run.seconds > timeout;
    const finalStatus = timedOut ? 'Timeout' : run.exitCode === 0 ? 'Success' : 'Failed';
    return {
      instanceId: id,
      startAt,
      finishAt: startAt + w.clock.delay(seconds * 1000),
      output,
      dropped,
      exitCode: run.exitCode,
      finalStatus,
      errorCode: timedOut ? 'ExecutionTimeout' : run.exitCode === 0 ? '' : 'ExitCodeNonzero',
      errorInfo: timedOut
        ? 'the command timed out'
        : run.exitCode === 0
          ? ''
          : `the command exited with ${run.exitCode}`,
    };
  });
  const invokeId = w.newId('t');
  const commandId = w.newId('c');
  w.invocations.set(invokeId, {
    id: invokeId,
    commandId,
    regionId,
    type,
    content,
    createdAt: now,
    results,
    timeout,
    name: ctx.params.opt('Name') ?? '',
    workingDir: ctx.params.opt('WorkingDir') ?? '/root',
  });
  return { CommandId: commandId, InvokeId: invokeId };
});

const describeInvocationResults = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const invokeId = ctx.params.opt('InvokeId');
  const instanceId = ctx.params.opt('InstanceId');
  const base64 = (ctx.params.opt('ContentEncoding') ?? 'Base64').toLowerCase() !== 'plaintext';
  const now = w.now();
  const rows = [...w.invocations.values()]
    .filter((inv) => inv.regionId === regionId && (!invokeId || inv.id === invokeId))
    .flatMap((inv) =>
      inv.results
        .filter((r) => !instanceId || r.instanceId === instanceId)
        .map((r) => {
          const status = now < r.startAt ? 'Pending' : now < r.finishAt ? 'Running' : r.finalStatus;
          const done = now >= r.finishAt;
          const output = done ? r.output : '';
          return {
            InvokeId: inv.id,
            CommandId: inv.commandId,
            InstanceId: r.instanceId,
            InvocationStatus: status,
            InvokeRecordStatus: done ? 'Finished' : 'Running',
            ExitCode: done ? r.exitCode : 0,
            Output: base64 ? Buffer.from(output).toString('base64') : output,
            Dropped: done ? (r.dropped ?? 0) : 0,
            ErrorCode: done ? r.errorCode : '',
            ErrorInfo: done ? r.errorInfo : '',
            StartTime: isoSeconds(r.startAt),
            FinishedTime: done ? isoSeconds(r.finishAt) : '',
            Repeats: 1,
            Username: 'root',
            StopTime: done && r.finalStatus === 'Stopped' ? isoSeconds(r.finishAt) : '',
            TerminationMode: 'Process',
            Launcher: '',
          };
        }),
    );
  const { items, nextToken } = tokenPage(ctx, rows, 'MaxResults', 50, 10);
  return {
    Invocation: {
      InvocationResults: { InvocationResult: items },
      TotalCount: rows.length,
      PageNumber: 1,
      PageSize: items.length,
      NextToken: nextToken,
    },
  };
});

/** Invocations (not per instance): status, command, the instances' states, paged by token. */
const describeInvocations = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const invokeId = ctx.params.opt('InvokeId');
  const now = w.now();
  const all = [...w.invocations.values()].filter(
    (inv) => inv.regionId === regionId && (!invokeId || inv.id === invokeId),
  );
  const { items, nextToken } = tokenPage(ctx, all, 'MaxResults', 50, 10);
  const stateOf = (r: InvocationR['results'][number]) =>
    now < r.startAt ? 'Pending' : now < r.finishAt ? 'Running' : r.finalStatus;
  return {
    Invocations: {
      Invocation: items.map((inv) => {
        const states = inv.results.map(stateOf);
        const status = states.some((x) => x === 'Pending' || x === 'Running')
          ? 'Running'
          : states.every((x) => x === 'Success')
            ? 'Success'
            : states.some((x) => x === 'Success')
              ? 'PartialFailed'
              : 'Failed';
        return {
          InvokeId: inv.id,
          CommandId: inv.commandId,
          CommandType: inv.type,
          CommandContent: Buffer.from(inv.content).toString('base64'),
          CreationTime: isoSeconds(inv.createdAt),
          InvocationStatus: status,
          InvokeStatus: status === 'Running' ? 'Running' : 'Finished',
          Timed: false,
          Frequency: '',
          RepeatMode: 'Once',
          Username: 'root',
          CommandName: inv.name ?? '',
          CommandDescription: '',
          Timeout: inv.timeout ?? 60,
          WorkingDir: inv.workingDir ?? '/root',
          Parameters: '{}',
          TerminationMode: 'Process',
          Launcher: '',
          InvokeInstances: {
            InvokeInstance: inv.results.map((r) => {
              const done = now >= r.finishAt;
              return {
                InstanceId: r.instanceId,
                InvocationStatus: stateOf(r),
                InstanceInvokeStatus: done ? 'Finished' : 'Running',
                ExitCode: done ? r.exitCode : 0,
                ErrorCode: done ? r.errorCode : '',
                ErrorInfo: done ? r.errorInfo : '',
                Dropped: done ? (r.dropped ?? 0) : 0,
                Repeats: 1,
                Timed: false,
                Output: Buffer.from(done ? r.output : '').toString('base64'),
                CreationTime: isoSeconds(inv.createdAt),
                StartTime: isoSeconds(r.startAt),
                UpdateTime: isoSeconds(Math.min(now, r.finishAt)),
                FinishTime: done ? isoSeconds(r.finishAt) : '',
                StopTime: done && r.finalStatus === 'Stopped' ? isoSeconds(r.finishAt) : '',
              };
            }),
          },
        };
      }),
    },
    TotalCount: all.length,
    PageNumber: 1,
    PageSize: items.length,
    NextToken: nextToken,
  };
});

/** Stops an invocation on all (or the given) instances: those not finished end `Stopped`, with no output. */
const stopInvocation = writes((ctx) => {
  const w = ctx.world;
  const invokeId = ctx.params.req('InvokeId');
  const inv = w.invocations.get(invokeId);
  if (!inv || inv.regionId !== regionOf(ctx)) throw notFound('InvalidInvokeId.NotFound', `invocation ${invokeId}`);
  const ids = ctx.params.list('InstanceId');
  const now = w.now();
  for (const r of inv.results) {
    if ((ids.length && !ids.includes(r.instanceId)) || now >= r.finishAt) continue;
    Object.assign(r, {
      startAt: Math.min(r.startAt, now),
      finishAt: now,
      output: '',
      dropped: 0,
      exitCode: -1,
      finalStatus: 'Stopped',
      errorCode: 'InvocationStopped',
      errorInfo: 'the invocation was stopped',
    });
  }
  return {};
});

export const CLOUD_ASSISTANT_ACTIONS: ActionTable = {
  DescribeCloudAssistantStatus: describeCloudAssistantStatus,
  RunCommand: runCommand,
  DescribeInvocationResults: describeInvocationResults,
  StopInvocation: stopInvocation,
  DescribeInvocations: describeInvocations,
};
