/**
 * `vpnbot config <topology> <site> [--vendor V] [-o FILE]`: an on-premises site's device
 * configuration, made from what the cloud holds now. With -o it is written with its pre-shared keys
 * to an owner-only file (mode 600); on standard output the keys are masked. Whoever runs vpnbot
 * holds its database and secret key; the keys still leave only as a file only they can read.
 */
import { deviceConfiguration } from '../../src/app/device-config';
import { VENDOR_LIST } from '../../src/onprem/vendors';
import type { CliCommand } from '../common/cli-io';
import { withServices, type ServicesFactory } from '../common/with-services';
import { parseCommandArgs } from './parse-args';

export const CONFIG_USAGE = `usage: vpnbot config <topology> <site> [--vendor ${VENDOR_LIST.replace(/, /g, '|')}] [-o FILE]`;

export function configCommand(open: ServicesFactory, actor: string): CliCommand {
  return async (args, io) => {
    const p = parseCommandArgs(args, io, CONFIG_USAGE, {
      vendor: { type: 'string' },
      output: { type: 'string', short: 'o' },
    });
    if (!p) return 2;
    if (p.positionals.length !== 2) {
      io.stderr(`${CONFIG_USAGE}\n`);
      return 2;
    }
    const [topology, site] = p.positionals as [string, string];
    const file = p.values.output;
    return withServices(io, open, async (s) => {
      const r = await deviceConfiguration(s, {
        topology,
        site,
        ...(p.values.vendor ? { vendor: p.values.vendor } : {}),
        actor,
        to: file ? `file ${file}` : 'standard output',
        now: new Date(),
        keys: file ? 'always' : 'never',
      });
      if (!r.ok) {
        io.stderr(`${r.refusal}\n`);
        return 1;
      }
      if (!file) {
        io.stdout(r.text);
        io.stderr(
          `The keys are masked here: \`vpnbot config ${topology} ${site} -o FILE\` writes them to an owner-only file.\n`,
        );
        return 0;
      }
      await io.writeFile(file, Buffer.from(r.text, 'utf8'), { ownerOnly: true });
      io.stdout(
        `Wrote ${file} (mode 600): the ${r.vendor.title} configuration of ${site}'s device, with its pre-shared keys. Delete it once the device is configured.\n`,
      );
      return 0;
    });
  };
}
