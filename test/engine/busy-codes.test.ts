/**
 * The retry table against every busy code the reference lists (shared/reference/alibaba-today.md
 * §3 and alibaba-api.md §4.4), each forced once through the emulator's fault injection on a call
 * the seed's apply or destroy makes, answered as the cloud answers it (code, HTTP status, and the
 * words where the cloud says it only in words): the engine retries every one and both runs succeed.
 */
import type { ForcedFault } from '../../src/emulator/server/faults';
import { startHarness, type Harness } from '../helpers/engine-harness';
import { seedTopology } from '../helpers/topologies';

let h: Harness;
afterEach(() => h.close());

const busy = (action: string, code: string, status = 400, message?: string): ForcedFault => ({
  fault: 'error',
  action,
  code,
  status,
  ...(message ? { message } : {}),
});

/** Forced on the apply: the action each code is answered to (the codes are the reference's, the pairing ours). */
const ON_APPLY: readonly ForcedFault[] = [
  busy('CreateVpc', 'Throttling.User'),
  busy('CreateVpc', 'ServiceUnavailable', 503),
  busy('CreateVSwitch', 'SystemBusy'),
  busy('CreateVSwitch', 'CreateVSwitch.IncorrectStatus.cbnStatus'),
  busy('CreateVSwitch', 'OperationFailed.IdempotentTokenProcessing'),
  busy('CreateVSwitch', 'OperationDenied.OtherSubnetProcessing'),
  busy('CreateVpnGateway', 'OperationFailed.SslNotSupport'),
  busy('CreateVpnGateway', 'OperationConflict'),
  busy('CreateCustomerGateway', 'TaskConflict'),
  busy('CreateVpnConnection', 'VpnGateway.Configuring'),
  busy('CreateVpnConnection', 'VpnTask.CONFLICT'),
  busy('CreateRouteEntry', 'InvalidStatus.RouteEntry'),
  busy('CreateRouteEntry', 'LastTokenProcessing'),
  busy('AuthorizeSecurityGroup', 'InvalidOperation.Conflict'),
  busy('RunInstances', 'Operation.Conflict'),
  busy('CreateCen', 'Operation.Blocking'),
  busy('CreateTransitRouterVpcAttachment', 'OperationFailed.NotifyCenCreate'),
  // The CEN says this state only in words, under a code that says nothing of it.
  busy(
    'CreateTransitRouterPeerAttachment',
    'InvalidParameter',
    400,
    'The route entry is not in a valid state for the operation.',
  ),
  busy('CreateSecurityGroup', 'InternalError', 500),
];
const ON_DESTROY: readonly ForcedFault[] = [
  busy('DeleteVSwitch', 'DeleteVSwitch.IncorrectStatus.cbnStatus'),
  busy('DeleteTransitRouterVpcAttachment', 'InstanceStatus.NotSupport'),
];

describe('every busy code the reference lists is retried', () => {
  it('forced once each through the emulator, on the apply and the destroy of the seed: both succeed', async () => {
    h = await startHarness();
    const retried: string[] = [];
    const onEvent = (e: { type: string; code?: string }) => {
      if (e.type === 'step-retrying' && e.code) retried.push(e.code);
    };
    h.emu.forceFaults(ON_APPLY);
    const topology = seedTopology();
    const applied = await h.engine.apply(await h.engine.plan(topology), { requester: 'U1', onEvent });
    expect(applied.failures).toEqual([]);
    expect(applied.status).toBe('succeeded');
    // Every forced answer was given (none left waiting for a call the apply does not make).
    expect(h.emu.control.forced).toEqual([]);

    h.emu.forceFaults(ON_DESTROY);
    const destroyed = await h.engine.apply(await h.engine.planDestroy(topology), { requester: 'U1', onEvent });
    expect(destroyed.failures).toEqual([]);
    expect(h.emu.control.forced).toEqual([]);

    const forced = [...ON_APPLY, ...ON_DESTROY].map((f) => (f.fault === 'error' ? f.code : f.fault));
    expect([...new Set(retried)].sort()).toEqual(expect.arrayContaining([...new Set(forced)].sort()));
    expect(h.emu.injected()).toEqual(
      Object.fromEntries([...new Set(forced)].map((c) => [c, forced.filter((x) => x === c).length])),
    );
  });
});
