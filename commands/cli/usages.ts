/**
 * Every command's usage, in one light module: `vpnbot <command> --help` prints it without loading
 * the command (the SDKs, the emulator and the chart renderer load only for commands that run).
 */
export const PLAN_USAGE = [
  "usage: vpnbot plan <file.yml | - | seed | 'ONE-LINE'> [--json] [--offline]",
  '  What an apply would change now, refreshed against the records and the cloud (--offline: against',
  '  nothing, no cloud calls, no database). --json prints {hash, summary, steps}.',
].join('\n');
export const APPLY_USAGE = [
  "usage: vpnbot apply <file.yml | - | seed | 'ONE-LINE'> [--auto-approve]",
  '  Finishes any run a stopped process left, plans the topology against the cloud, shows the plan',
  '  and asks (or not, with --auto-approve); then applies it and measures the ping matrix.',
].join('\n');
export const DESTROY_USAGE = [
  'usage: vpnbot destroy <name> [--auto-approve]',
  '  Deletes, in reverse dependency order, everything vpnbot created for the topology.',
].join('\n');
export const STATUS_USAGE = [
  'usage: vpnbot status [<name>] [--json]',
  '  Every topology in one line; with a name, its gateways, connections, CEN attachments and last matrix.',
].join('\n');
export const DOCTOR_USAGE = [
  "usage: vpnbot doctor [<name> | file.yml | - | seed | 'ONE-LINE'] [--json]",
  '  The preflight: credentials and identity, the billing site, and with a topology the zones, probe',
  '  stock, permissions (dry runs), quotas it needs. Each finding with its code and fix; exit 1 while',
  '  a blocking one stands (the apply would fail on it).',
].join('\n');
export const PING_USAGE = [
  'usage: vpnbot ping <name> [--count N] [--json] [--png FILE]',
  '       vpnbot ping <name> history',
  '       vpnbot ping <name> --from <site> <FILE | ->   (ping output from a host in an on-premises site)',
].join('\n');
export const PARSE_PING_USAGE = 'usage: vpnbot parse-ping <FILE | -> [--json]';
export const EMULATOR_USAGE =
  'usage: vpnbot emulator [--port N] [--host 127.0.0.1] [--access-key-id ID --access-key-secret SECRET] [--time-scale X] [--ipsec-quota N] [--single-tunnel REGION[,REGION...]]';
export const BENCH_USAGE = 'usage: vpnbot bench [--json]   (speed figures, measured in this run on this machine)';
export const LOCAL_USAGE = [
  'usage: vpnbot local',
  '  The console: the /vpn commands of Slack at a prompt (a terminal), or one per line (a pipe).',
  '  It first resumes any run a stopped process left. Ctrl-C during a run stops it taking new steps',
  '  and leaves it to resume at the next start; a second Ctrl-C exits at once.',
].join('\n');
export const DEMO_USAGE =
  'usage: vpnbot demo   (the narrated demo in the sandbox, on a topology of its own: plan, apply, measure, break, repair, destroy)';
export const SERVE_USAGE =
  'usage: vpnbot serve   (settings from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, PORT)';
export const START_USAGE =
  'usage: vpnbot start   (npm start: `vpnbot serve` when SLACK_BOT_TOKEN is set, `vpnbot local` otherwise)';

export const USAGES: Readonly<Record<string, string>> = {
  plan: PLAN_USAGE,
  apply: APPLY_USAGE,
  destroy: DESTROY_USAGE,
  status: STATUS_USAGE,
  doctor: DOCTOR_USAGE,
  ping: PING_USAGE,
  'parse-ping': PARSE_PING_USAGE,
  emulator: EMULATOR_USAGE,
  bench: BENCH_USAGE,
  local: LOCAL_USAGE,
  demo: DEMO_USAGE,
  serve: SERVE_USAGE,
  start: START_USAGE,
};
