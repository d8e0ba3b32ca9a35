/**
 * The `/vpn ...` text, as typed in Slack or the console, into one command. Total (after Atlantis's
 * comment parser): every text gives a command, or an `invalid` one that says what is wrong and how
 * to write it; nothing here throws.
 */
import { LINE_EXAMPLES, LINE_SYNTAX } from '../topology/parse-line';

export type VpnCommand =
  | { readonly kind: 'help' }
  /** `form: 'modal'` when no topology was given: the front end asks for YAML. */
  | { readonly kind: 'plan'; readonly form: 'line' | 'yaml' | 'modal'; readonly text: string }
  | { readonly kind: 'apply'; readonly name: string }
  | { readonly kind: 'status'; readonly name?: string }
  | { readonly kind: 'destroy'; readonly name: string }
  /** Measure now; `history`: the trend; `paste`: ping output from a host in `site` (on premises). */
  | { readonly kind: 'ping'; readonly name: string; readonly mode: 'measure' | 'history' }
  | {
      readonly kind: 'ping';
      readonly name: string;
      readonly mode: 'paste';
      readonly site: string;
      readonly output: string;
    }
  /** An on-premises site's device configuration for a vendor (the neutral table when none is named). */
  | { readonly kind: 'config'; readonly name: string; readonly site: string; readonly vendor?: string }
  /** The preflight: a known topology's (or a one-line topology's) checks, or the account's alone. */
  | { readonly kind: 'doctor'; readonly topology?: string }
  /** New pre-shared keys, one tunnel at a time, through approval (a site's alone when named). */
  | { readonly kind: 'rotate'; readonly name: string; readonly site?: string }
  | { readonly kind: 'invalid'; readonly message: string; readonly hint: string };

export const SUBCOMMANDS = [
  'plan',
  'apply',
  'status',
  'destroy',
  'ping',
  'config',
  'rotate',
  'doctor',
  'help',
] as const;

export const VPN_USAGE = [
  '`/vpn plan <topology>`: what would change; others approve it with a button',
  '`/vpn plan` alone: a form for a YAML topology',
  '`/vpn apply <name>`: plan a known topology again (drift repair), through the same approval',
  '`/vpn status [name]`: topologies, their resources and last run',
  '`/vpn destroy <name>`: a plan to delete what vpnbot created, through approval',
  '`/vpn ping <name>`: measure the ping matrix now (table and heat map); `/vpn ping <name> history`: the trend per pair',
  '`/vpn ping <name> from <site>` then ping output in a code block: a row measured on an on-premises host',
  "`/vpn config <name> <site> [vendor]`: an on-premises site's device configuration (strongswan, libreswan, cisco, fortios, panos, junos, or the neutral table), in a direct message; its owners get the keys",
  '`/vpn rotate <name> [site]`: new pre-shared keys, one tunnel at a time so traffic stays up, the ping matrix checked between them; through approval',
  '`/vpn doctor [name | topology]`: the preflight (credentials, zones, stock, permissions by dry run, quotas, billing site), each finding with its fix; every plan runs it too',
  '`/vpn help`: this text',
].join('\n');

export const TOPOLOGY_HELP = [
  `One line: ${LINE_SYNTAX}`,
  ...LINE_EXAMPLES.map((e) => `  e.g. ${e}`),
  'or YAML in a code block (```name: ...```).',
].join('\n');

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** A topology in a code block (```yaml ... ``` or ``` ... ```), or undefined. */
function codeBlock(text: string): string | undefined {
  const m = /^```(?:ya?ml)?[ \t]*\n?([\s\S]*?)\n?```\s*$/i.exec(text.trim());
  return m ? m[1]! : undefined;
}

function oneName(kind: 'apply' | 'destroy', rest: string): VpnCommand {
  const words = rest.split(/\s+/).filter((w) => w !== '');
  if (words.length !== 1)
    return {
      kind: 'invalid',
      message: `\`/vpn ${kind}\` takes one topology name`,
      hint: `e.g. \`/vpn ${kind} ikev1test\`; \`/vpn status\` lists them`,
    };
  const name = words[0]!;
  if (!NAME.test(name))
    return {
      kind: 'invalid',
      message: `"${name.slice(0, 40)}" is not a topology name`,
      hint: 'names are lowercase letters, digits and hyphens; `/vpn status` lists them',
    };
  return { kind, name };
}

const PING_HINT =
  'e.g. `/vpn ping ikev1test`, `/vpn ping ikev1test history`, or `/vpn ping ikev1test from dc1` followed by ping output in a code block';

function parsePing(rest: string): VpnCommand {
  const m = /^(\S+)(?:[ \t]+(\S+)(?:[ \t]+(\S+))?)?[ \t]*(?:\n|$)([\s\S]*)$/.exec(rest);
  if (!m) return { kind: 'invalid', message: '`/vpn ping` takes a topology name', hint: PING_HINT };
  const [, name, word, site, body] = m as unknown as [string, string, string | undefined, string | undefined, string];
  const named = oneName('apply', name);
  if (named.kind === 'invalid') return { ...named, hint: PING_HINT };
  if (word === undefined && body.trim() === '') return { kind: 'ping', name, mode: 'measure' };
  if (word === 'history' && site === undefined && body.trim() === '') return { kind: 'ping', name, mode: 'history' };
  if (word === 'from' && site !== undefined) {
    if (!NAME.test(site))
      return { kind: 'invalid', message: `"${site.slice(0, 40)}" is not a site name`, hint: PING_HINT };
    const output = codeBlock(body) ?? body;
    if (output.trim() === '')
      return {
        kind: 'invalid',
        message: `\`/vpn ping ${name} from ${site}\` needs the ping output run on a host there`,
        hint: 'paste what `ping -c 5 <probe ip>` printed, in a code block, after the command',
      };
    if (output.length > 64 * 1024)
      return {
        kind: 'invalid',
        message: 'the pasted output is over 64 KiB',
        hint: 'paste one ping run per probe (ping -c 5)',
      };
    return { kind: 'ping', name, mode: 'paste', site, output };
  }
  return {
    kind: 'invalid',
    message: `\`/vpn ping\` does not understand "${`${word ?? ''} ${site ?? ''}`.trim().slice(0, 40)}"`,
    hint: PING_HINT,
  };
}

const CONFIG_HINT =
  'e.g. `/vpn config hybrid dc1 fortios`: a topology, one of its on-premises sites and a vendor (strongswan, libreswan, cisco, fortios, panos, junos, table)';

function parseConfig(rest: string): VpnCommand {
  const words = rest.split(/\s+/).filter((w) => w !== '');
  if (words.length < 2 || words.length > 3)
    return {
      kind: 'invalid',
      message: '`/vpn config` takes a topology, a site and, optionally, a vendor',
      hint: CONFIG_HINT,
    };
  const [name, site, vendor] = words as [string, string, string | undefined];
  for (const [what, v] of [
    ['topology', name],
    ['site', site],
  ] as const)
    if (!NAME.test(v))
      return { kind: 'invalid', message: `"${v.slice(0, 40)}" is not a ${what} name`, hint: CONFIG_HINT };
  if (vendor !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,20}$/.test(vendor))
    return { kind: 'invalid', message: `"${vendor.slice(0, 40)}" is not a vendor`, hint: CONFIG_HINT };
  return { kind: 'config', name, site, ...(vendor ? { vendor } : {}) };
}

const ROTATE_HINT = 'e.g. `/vpn rotate ikev1test`, or `/vpn rotate hybrid dc1` for the keys of one site';

function parseRotate(rest: string): VpnCommand {
  const words = rest.split(/\s+/).filter((w) => w !== '');
  if (words.length < 1 || words.length > 2)
    return { kind: 'invalid', message: '`/vpn rotate` takes a topology and, optionally, a site', hint: ROTATE_HINT };
  const bad = words.find((w) => !NAME.test(w));
  if (bad) return { kind: 'invalid', message: `"${bad.slice(0, 40)}" is not a name`, hint: ROTATE_HINT };
  return { kind: 'rotate', name: words[0]!, ...(words[1] ? { site: words[1] } : {}) };
}

export function parseVpnCommand(raw: string): VpnCommand {
  const text = raw.trim();
  if (text === '') return { kind: 'help' };
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const sub = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  switch (sub) {
    case 'help':
    case '-h':
    case '--help':
      return { kind: 'help' };
    case 'plan': {
      if (rest === '') return { kind: 'plan', form: 'modal', text: '' };
      const yaml = codeBlock(rest);
      if (yaml !== undefined) return { kind: 'plan', form: 'yaml', text: yaml };
      if (rest.includes('\n')) return { kind: 'plan', form: 'yaml', text: rest };
      return { kind: 'plan', form: 'line', text: rest };
    }
    case 'apply':
    case 'destroy':
      return oneName(sub, rest);
    case 'ping':
      return parsePing(rest);
    case 'config':
      return parseConfig(rest);
    case 'rotate':
      return parseRotate(rest);
    case 'doctor':
      if (rest.length > 2000)
        return {
          kind: 'invalid',
          message: 'the topology is too long for `/vpn doctor`',
          hint: 'name a known topology',
        };
      return rest === '' ? { kind: 'doctor' } : { kind: 'doctor', topology: rest };
    case 'status': {
      if (rest === '') return { kind: 'status' };
      const named = oneName('apply', rest);
      if (named.kind === 'apply') return { kind: 'status', name: named.name };
      return named.kind === 'invalid'
        ? {
            ...named,
            message: named.message.replace('/vpn apply', '/vpn status'),
            hint: named.hint.replace('/vpn apply', '/vpn status'),
          }
        : named;
    }
    default: {
      const guess = SUBCOMMANDS.find((s) => s.startsWith(sub.slice(0, 2)));
      return {
        kind: 'invalid',
        message: `unknown subcommand "${sub.slice(0, 30)}"`,
        hint: guess
          ? `did you mean \`/vpn ${guess}\`? \`/vpn help\` lists them all`
          : '`/vpn help` lists the subcommands',
      };
    }
  }
}
