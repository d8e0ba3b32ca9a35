/**
 * vpnbot serves one workspace: the one its bot token belongs to (auth.test, asked at start).
 * Every command, click, form and event is checked before any listener sees it: one whose team is
 * another, or whose user belongs to another organisation (a Slack Connect guest clicking in a
 * shared channel), is acknowledged, refused in words, logged and audited, and changes nothing.
 */
import type { App } from '@slack/bolt';
import { recordRefusedRequest } from '../../src/app/use-cases';
import type { SlackDeps } from './slack-deps';

export interface Workspace {
  readonly teamId: string;
}

interface Body {
  readonly type?: string;
  readonly team_id?: string;
  readonly team?: { readonly id?: string } | null;
  readonly user_id?: string;
  readonly user?: { readonly id?: string; readonly team_id?: string } | string;
  readonly event?: { readonly type?: string; readonly user?: string };
}

/** The team a request comes from and its user's own team, as the signed body says. */
export function requestTeams(body: Body): { team?: string; userTeam?: string; user?: string } {
  const team = body.team_id ?? body.team?.id ?? undefined;
  const user = typeof body.user === 'object' ? body.user : undefined;
  return {
    ...(team ? { team } : {}),
    ...(user?.team_id ? { userTeam: user.team_id } : {}),
    ...((body.user_id ?? user?.id ?? body.event?.user) ? { user: body.user_id ?? user?.id ?? body.event?.user } : {}),
  };
}

/** Why a request is not this workspace's, or undefined when it is. */
export function foreignReason(body: Body, home: Workspace): string | undefined {
  const { team, userTeam } = requestTeams(body);
  if (team === undefined) return 'the request names no workspace';
  if (team !== home.teamId) return `it comes from workspace ${team}`;
  if (userTeam !== undefined && userTeam !== home.teamId) return `its user belongs to workspace ${userTeam}`;
  return undefined;
}

export function guardWorkspace(app: App, deps: SlackDeps, home: () => Workspace | undefined): void {
  app.use(async (args) => {
    const body = args.body as Body;
    const known = home();
    // Fail closed: until the workspace is known, nothing is served.
    const why = known ? foreignReason(body, known) : 'vpnbot has not learnt its workspace yet';
    if (why === undefined) return args.next();
    const { team, user } = requestTeams(body);
    deps.log.warn(
      { team, user, type: body.type ?? body.event?.type, why },
      'refused a request from outside the workspace',
    );
    recordRefusedRequest(deps.services, { actor: user ?? '-', team: team ?? '-', why, at: Date.now() });
    const ack = (args as { ack?: (m?: unknown) => Promise<void> }).ack;
    if (!ack) return;
    // A command's acknowledgement is its private answer; a click or a form just gets its ack.
    if (body.type === undefined && (args as { command?: unknown }).command)
      await ack({
        response_type: 'ephemeral',
        text: 'This vpnbot serves another Slack workspace: nothing was done.',
      });
    else await ack();
  });
}
