/** Cloud Assistant through the ECS SDK: RunCommand over many instances, results paged by token. */
import * as $Ecs from '@alicloud/ecs20140526';
import type { CommandRunner, InvocationResult } from '../cloud-api';
import type { DriverContext } from './driver-kit';

/** Statuses after which an instance's part of an invocation does not change. */
const FINAL = new Set([
  'Success',
  'Failed',
  'Timeout',
  'Stopped',
  'Aborted',
  'Cancelled',
  'Error',
  'Invalid',
  'Terminated',
]);
/** RunCommand and DescribeCloudAssistantStatus take at most 50 instance ids per call here. */
const CHUNK = 50;

const chunks = <T>(xs: readonly T[]) =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

export function createCommandRunner(ctx: DriverContext): CommandRunner {
  return {
    async agentsOnline(region, instanceIds) {
      const online = new Set<string>();
      for (const ids of chunks(instanceIds)) {
        let nextToken: string | undefined;
        do {
          const r = await ctx.call('DescribeCloudAssistantStatus', () =>
            ctx.clients.ecs(region).describeCloudAssistantStatus(
              new $Ecs.DescribeCloudAssistantStatusRequest({
                regionId: region,
                instanceId: ids,
                maxResults: CHUNK,
                ...(nextToken ? { nextToken } : {}),
              }),
            ),
          );
          for (const s of r.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? [])
            if (s.cloudAssistantStatus === 'true' && s.instanceId) online.add(s.instanceId);
          nextToken = r.body?.nextToken || undefined;
        } while (nextToken);
      }
      return online;
    },
    async run(region, instanceIds, script, timeoutSeconds) {
      if (instanceIds.length > CHUNK)
        throw new Error(`RunCommand takes at most ${CHUNK} instances at once, got ${instanceIds.length}`);
      const r = await ctx.call('RunCommand', () =>
        ctx.clients.ecs(region).runCommand(
          new $Ecs.RunCommandRequest({
            regionId: region,
            type: 'RunShellScript',
            commandContent: Buffer.from(script).toString('base64'),
            contentEncoding: 'Base64',
            instanceId: [...instanceIds],
            timeout: timeoutSeconds,
            name: 'vpnbot-ping-matrix',
          }),
        ),
      );
      return r.body!.invokeId!;
    },
    async results(region, invokeId) {
      const out: InvocationResult[] = [];
      let nextToken: string | undefined;
      do {
        const r = await ctx.call('DescribeInvocationResults', () =>
          ctx.clients.ecs(region).describeInvocationResults(
            new $Ecs.DescribeInvocationResultsRequest({
              regionId: region,
              invokeId,
              contentEncoding: 'PlainText',
              maxResults: 50,
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        );
        const inv = r.body?.invocation;
        for (const x of inv?.invocationResults?.invocationResult ?? []) {
          const status = x.invocationStatus ?? '';
          out.push({
            instanceId: x.instanceId ?? '',
            status,
            finished: FINAL.has(status),
            output: x.output ?? '',
            exitCode: x.exitCode ?? -1,
            dropped: x.dropped ?? 0,
            errorCode: x.errorCode ?? '',
            errorInfo: x.errorInfo ?? '',
          });
        }
        nextToken = inv?.nextToken || undefined;
      } while (nextToken);
      return out;
    },
    async stop(region, invokeId) {
      await ctx.call('StopInvocation', () =>
        ctx.clients.ecs(region).stopInvocation(new $Ecs.StopInvocationRequest({ regionId: region, invokeId })),
      );
    },
  };
}
