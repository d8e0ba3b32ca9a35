/**
 * An overdue account locks its VPN gateways (BusinessStatus FinancialLocked): vpnbot stops with a
 * clear error and what to do, through the official SDK against the emulator, instead of waiting on
 * tunnels that will not change.
 */
import { breakThing } from '../../src/emulator/server/control-api';
import { ERROR_CODES } from '../../src/errors';
import { startHarness, type Harness } from '../helpers/engine-harness';
import { seedTopology } from '../helpers/topologies';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

it('a locked gateway fails the run with cloud.financial-locked and its hint; planning says so too', async () => {
  const topology = { ...seedTopology(), probes: false };
  expect((await h.engine.apply(await h.engine.plan(topology), { requester: 'U1' })).status).toBe('succeeded');
  // A plan approved while the account was in good standing, applied after the lock.
  const plan = await h.engine.plan(topology);
  const japan = h.store.resources(topology.name).find((r) => r.stepId === 'vpn-gateway:japan')!.cloudId;
  expect(breakThing(h.emu.world, { action: 'financial-lock', vpnGatewayId: japan })).toBeUndefined();

  const r = await h.engine.apply(plan, { requester: 'U1' });
  expect(r.status).toBe('failed');
  expect(r.failures).toEqual([
    {
      stepId: 'vpn-gateway:japan',
      code: 'cloud.financial-locked',
      message: expect.stringContaining(`VPN gateway ${japan} is locked: BusinessStatus FinancialLocked`),
      userFixable: false,
      hint: ERROR_CODES['cloud.financial-locked'].hint,
    },
  ]);
  await expect(h.engine.plan(topology)).rejects.toMatchObject({ code: 'cloud.financial-locked' });

  // Paid: the same plan runs through.
  expect(breakThing(h.emu.world, { action: 'financial-unlock', vpnGatewayId: japan })).toBeUndefined();
  expect((await h.engine.apply(plan, { requester: 'U1' })).status).toBe('succeeded');
});
