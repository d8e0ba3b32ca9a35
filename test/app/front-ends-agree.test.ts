/**
 * The four front ends (Slack, the console, the CLI, the demo) follow one rule after Approve
 * (src/app/run-to-end.ts): the run goes to its end, an apply that succeeded is measured (the
 * matrix becomes the baseline), the same audit trail is written, and a failed run is reported with
 * its failing step and the cloud's code. Each front end is driven as its users drive it, on its own
 * store and emulated cloud.
 */
import { onApprove } from '../../commands/slack/listeners/approve-button';
import { onVpnCommand } from '../../commands/slack/listeners/vpn-command';
import { appCommands } from '../../commands/cli/app-commands';
import { createConsoleSession } from '../../commands/console/console-session';
import { createLineUi } from '../../commands/console/line-ui';
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { DEMO_TOPOLOGY, runDemo } from '../../src/app/demo';
import { handleControl } from '../../src/emulator/server/control-api';
import { captureIo } from '../helpers/cli-io';
import { type Harness, servicesOf, startHarness } from '../helpers/engine-harness';
import { listenerKit, recordingClient, recordingRespond } from '../helpers/slack-listener-kit';

type FrontEnd = 'slack' | 'console' | 'cli' | 'demo';

/** Plans the seed and approves it as each front end's user does; returns everything it said. */
async function applySeed(front: FrontEnd, h: Harness, services: AppServices): Promise<string> {
  switch (front) {
    case 'slack': {
      const kit = await listenerKit();
      await kit.h.close();
      const deps = { ...kit.deps, services };
      const slack = recordingClient();
      const { respond, said } = recordingRespond();
      await onVpnCommand(deps, {
        command: { text: 'plan seed', user_id: 'U1', channel_id: 'C1', trigger_id: 't' },
        respond,
        client: slack.client,
      });
      const planId =
        /"value":"(plan-[0-9a-f]{16})"/.exec(JSON.stringify(slack.of('chat.postMessage')[0]?.args.blocks))?.[1] ?? '';
      await onApprove(
        deps,
        {
          user: 'U2',
          value: planId,
          channel: 'C1',
          messageTs: '1.1',
          threadTs: '1.1',
          message: { text: '', blocks: [] },
          triggerId: 't',
        },
        slack.client,
        respond,
      );
      return JSON.stringify([slack.calls, said]);
    }
    case 'console': {
      let out = '';
      const ui = createLineUi(
        (t) => {
          out += t;
        },
        async () => undefined,
      );
      const session = createConsoleSession(services, ui, {
        user: 'U1',
        policy: { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true },
        validation: { ipsecConnectionQuota: 10 },
        dataDir: h.dir,
      });
      await session.handle('/vpn plan seed');
      await session.handle('/approve');
      return out;
    }
    case 'cli': {
      const io = captureIo();
      await appCommands(async () => services, 'U1').apply!(['seed', '--auto-approve'], io);
      return io.out() + io.err();
    }
    case 'demo': {
      const said: string[] = [];
      // Only its first stages: the preflight (a permission withheld, then granted), then plan the
      // seed, approve it, apply it (the rest breaks and repairs).
      let stages = 0;
      const steer = (change: unknown) => {
        const r = handleControl(h.emu.world, h.emu.control, 'POST', '/__emulator/permissions', change);
        return Promise.resolve(r.status === 200 ? undefined : JSON.stringify(r.body));
      };
      const unused = async () => 'not used by these stages';
      const control = { playDevice: unused, withdrawPublishedRoute: unused, setTunnel: unused, setPermissions: steer };
      await runDemo(
        { ...services, control },
        {
          actor: 'U1',
          validation: { ipsecConnectionQuota: 10 },
          onStage: (s) => {
            said.push(s.outcome, s.matrix ? 'matrix' : '');
            stages++;
            if (stages === 3) throw new Error('stop after the measured apply');
          },
        },
      ).catch(() => undefined);
      return said.join('\n');
    }
  }
}

const FRONT_ENDS: FrontEnd[] = ['slack', 'console', 'cli', 'demo'];
/** The seed's name, or the demo's own topology (the walkthrough under another name). */
const topologyOf = (front: FrontEnd) => (front === 'demo' ? DEMO_TOPOLOGY : 'ikev1test');

describe('after Approve, every front end', () => {
  it.each(FRONT_ENDS)(
    '%s: runs the apply to its end, measures it as the baseline, and audits the same',
    async (front) => {
      const h = await startHarness();
      try {
        await applySeed(front, h, servicesOf(h));
        const runs = h.store.runs(topologyOf(front), 5);
        expect(runs.map((r) => [r.kind, r.status])).toEqual([['apply', 'succeeded']]);
        const measured = h.store.measurements(topologyOf(front), 5);
        expect(measured.map((m) => [m.trigger, m.baseline, m.matrix.cells.length])).toEqual([['apply', true, 6]]);
        const actions = h.store
          .auditLog(50)
          .map((a) => a.action)
          .reverse();
        expect(actions).toEqual(['plan.apply.proposed', 'plan.approve', 'run.apply', 'ping.measured']);
      } finally {
        await h.close();
      }
    },
  );

  it.each(FRONT_ENDS)(
    "%s: reports a failed run with its failing step and the cloud's code, and measures nothing",
    async (front) => {
      const h = await startHarness();
      try {
        h.emu.forceFaults(Array.from({ length: 40 }, () => ({ fault: 'serverError' as const, action: 'CreateVpc' })));
        const said = await applySeed(front, h, servicesOf(h));
        expect(h.store.runs(topologyOf(front), 5).map((r) => r.status)).toEqual(['failed']);
        expect(said).toMatch(/vpc:(hongkong|japan|us)/);
        expect(said).toContain('ServiceUnavailable');
        expect(h.store.measurements(topologyOf(front), 5)).toEqual([]);
      } finally {
        await h.close();
      }
    },
  );
});
