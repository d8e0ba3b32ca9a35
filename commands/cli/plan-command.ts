import { configOrExplain, validationOptions } from '../../src/config';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { planText } from '../../src/app/plan-text';
import type { CliCommand } from '../common/cli-io';
import { parseCommandArgs } from './parse-args';
import { readTopologyArg } from './read-topology';

import { PLAN_USAGE } from './usages';

export { PLAN_USAGE };

export const OFFLINE_NOTE =
  'offline plan: the cloud and the records were not consulted; this is what a first apply would do';

/**
 * `vpnbot plan --offline`: the plan against an empty cloud (what a first apply would do), with no
 * credentials, no cloud SDK and no database. Prints text like `terraform plan`, or
 * `{hash, summary, steps}` with --json; says on stderr that it did not look at the cloud.
 */
export const planCommand: CliCommand = async (args, io) => {
  const parsed = parseCommandArgs(args, io, PLAN_USAGE, {
    json: { type: 'boolean', default: false },
    offline: { type: 'boolean', default: false },
  });
  if (!parsed) return 2;
  if (parsed.positionals.length !== 1) {
    io.stderr(`${PLAN_USAGE}\n`);
    return 2;
  }
  const config = configOrExplain(io.env);
  if (typeof config === 'string') {
    io.stderr(`${config}\n`);
    return 2;
  }
  const topology = await readTopologyArg(parsed.positionals[0]!, io, validationOptions(config));
  if (!topology.ok) {
    io.stderr(`${topology.problems}\n`);
    return 1;
  }
  const plan = buildPlan(topology.value, EMPTY_OBSERVED);
  io.stderr(`${OFFLINE_NOTE}\n`);
  io.stdout(
    parsed.values.json
      ? `${JSON.stringify({ hash: plan.hash, summary: plan.summary, steps: plan.steps }, null, 2)}\n`
      : `${planText(plan, topology.value)}\n`,
  );
  return 0;
};
