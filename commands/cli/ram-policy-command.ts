/**
 * `vpnbot ram-policy`: the RAM policy a deployment attaches to vpnbot's RAM user or role, scoped to
 * the regions (and account) it names: provisioning by default, `--measure` for Cloud Assistant.
 */
import { ramPolicy, policyJson } from '../../src/cloud/alibaba/ram-policy';
import { findRegion } from '../../src/topology/regions';
import type { CliCommand } from '../common/cli-io';
import { parseCommandArgs } from './parse-args';

export const RAM_POLICY_USAGE =
  'usage: vpnbot ram-policy [--regions cn-hongkong,ap-northeast-1,...] [--account ACCOUNT_ID] [--measure]';

export const ramPolicyCommand: CliCommand = async (args, io) => {
  const parsed = parseCommandArgs(args, io, RAM_POLICY_USAGE, {
    regions: { type: 'string' },
    account: { type: 'string' },
    measure: { type: 'boolean', default: false },
  });
  if (!parsed) return 2;
  if (parsed.positionals.length > 0) {
    io.stderr(`Unexpected argument '${parsed.positionals[0]}'\n${RAM_POLICY_USAGE}\n`);
    return 2;
  }
  const regions = (parsed.values.regions ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const unknown = regions.filter((r) => !findRegion(r));
  if (unknown.length > 0) {
    io.stderr(`unknown region ${unknown.map((r) => `"${r.slice(0, 40)}"`).join(', ')}\n${RAM_POLICY_USAGE}\n`);
    return 2;
  }
  const account = parsed.values.account;
  if (account !== undefined && !/^\d{6,20}$/.test(account)) {
    io.stderr(`--account takes the numeric Alibaba Cloud account id\n${RAM_POLICY_USAGE}\n`);
    return 2;
  }
  io.stdout(
    policyJson(
      ramPolicy(parsed.values.measure ? 'measure' : 'provision', {
        regions,
        ...(account !== undefined ? { account } : {}),
      }),
    ),
  );
  return 0;
};
