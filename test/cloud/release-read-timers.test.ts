import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { $Vpc } from '../helpers/alibaba-sdk';
import { createAlibabaClients } from '../../src/cloud/alibaba/alibaba-clients';
import { startEmulator } from '../../src/emulator/server/start-emulator';

/** httpx's read timer of a request, as armed when its response arrived. */
const armedTimer = (request: ClientRequest) => {
  const socket = request.socket as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'TIMER::READ_TIMER');
  return key ? (socket[key] as (NodeJS.Timeout & { _destroyed?: boolean }) | null) : undefined;
};

describe("the SDKs' read timers", () => {
  it('are cleared once each response has ended, so no call is held for the whole read timeout', async () => {
    const emu = await startEmulator({ timeScale: 0.001 });
    const timers: (NodeJS.Timeout & { _destroyed?: boolean })[] = [];
    const watch = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      request.once('response', (_r: IncomingMessage) => {
        const t = armedTimer(request);
        if (t) timers.push(t);
      });
    };
    subscribe('http.client.request.start', watch);
    try {
      const clients = createAlibabaClients({
        endpoint: emu.endpoint,
        credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
        readTimeoutMs: 60_000,
      });
      for (let i = 0; i < 10; i++)
        await clients.vpc('us-west-1').describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: 'us-west-1' }));
      await Promise.all(
        Array.from({ length: 10 }, () =>
          clients.vpc('cn-hongkong').describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: 'cn-hongkong' })),
        ),
      );
      // Each call armed a timer (httpx still works this way), and none is left pending.
      expect(timers).toHaveLength(20);
      expect({ pending: timers.filter((t) => !t._destroyed).length }).toEqual({ pending: 0 });
    } finally {
      unsubscribe('http.client.request.start', watch);
      await emu.close();
    }
  });
});

describe('the release', () => {
  it('subscribes once per process, however often its module is loaded', () => {
    const before = (channel('http.client.request.start') as unknown as { _subscribers?: unknown[] })._subscribers
      ?.length;
    jest.isolateModules(() => {
      (
        require('../../src/cloud/alibaba/release-read-timers') as typeof import('../../src/cloud/alibaba/release-read-timers')
      ).releaseReadTimers();
    });
    jest.isolateModules(() => {
      (
        require('../../src/cloud/alibaba/release-read-timers') as typeof import('../../src/cloud/alibaba/release-read-timers')
      ).releaseReadTimers();
    });
    const after = (channel('http.client.request.start') as unknown as { _subscribers?: unknown[] })._subscribers
      ?.length;
    expect(after).toBeDefined();
    expect(after! - (before ?? 0)).toBeLessThanOrEqual(1);
  });
});
