/**
 * The preflight: what the documents cannot settle, asked of the cloud before an apply spends money.
 * Each check is at most one call (the report counts them); the checks run side by side. With a
 * plan, the checks follow what it creates: the zones of its gateways and transit-router
 * connections, the stock of its probes, dry runs of its creates, its regions' VPN gateway quota.
 * Without one (`vpnbot doctor` alone): the identity and the billing site.
 */
import { SITE_BILLING, siteOfCurrency } from '../cloud/billing';
import { PROBE_SYSTEM_DISK, type CloudApi, type DryRunCreate } from '../cloud/cloud-api';
import { CloudError } from '../cloud/cloud-error';
import type { DesiredStepOf, Plan, StepKind } from '../planner/plan';
import { PROBE_TYPE_FALLBACKS } from '../planner/desired-steps';
import { finding, type Finding, type FindingClass, type PreflightReport } from './finding';

/** The RAM action a cloud action needs (the product prefixes of deploy/ram-policy.json; BSS and Quota Center UNVERIFIED). */
const RAM_PREFIX: Readonly<Record<string, string>> = {
  CreateVpc: 'vpc',
  DescribeVpnGatewayAvailableZones: 'vpc',
  RunInstances: 'ecs',
  DescribeAvailableResource: 'ecs',
  ListTransitRouterAvailableResource: 'cen',
  GetProductQuota: 'quotas',
  QueryAccountBalance: 'bss',
};
export const ramActionOf = (action: string) => `${RAM_PREFIX[action] ?? 'acs'}:${action}`;

const isPermissionRefusal = (e: CloudError) => /^(Forbidden|NoPermission)/.test(e.cloudCode);
const isCredentialRefusal = (e: CloudError) =>
  /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken)/.test(e.cloudCode);

interface CheckResult {
  readonly class: FindingClass;
  readonly what: string;
  readonly findings: readonly Finding[];
}

const creates = <K extends StepKind>(plan: Plan | undefined, kind: K): DesiredStepOf<K>[] =>
  (plan?.steps ?? []).filter((s) => s.kind === kind && s.action === 'create') as unknown as DesiredStepOf<K>[];

/** A check's call failed: a refusal of permission is a finding of its own; anything else says the check could not run. */
function callFailed(e: unknown, action: string, cls: FindingClass, what: string): Finding {
  if (e instanceof CloudError && isPermissionRefusal(e))
    return finding(
      'preflight.permission.check-denied',
      ramActionOf(action),
      `the credentials may not call ${action}, so "${what}" could not be checked (the apply does not need it)`,
      `grant \`${ramActionOf(action)}\` (deploy/ram-policy.json has it) to let the preflight check this`,
    );
  const why = e instanceof Error ? e.message : String(e);
  return finding(
    `preflight.${cls}.unchecked`,
    what,
    `could not be checked: ${why}`,
    'run `doctor` again; if it persists, check this in the console',
  );
}

export async function runPreflight(
  cloud: CloudApi,
  plan?: Plan,
  now: () => number = Date.now,
): Promise<PreflightReport> {
  const p = cloud.preflight;
  const started = now();
  const callsBefore = cloud.calls();
  const checks: Promise<CheckResult>[] = [];
  const check = (cls: FindingClass, what: string, run: () => Promise<readonly Finding[]>) =>
    checks.push(run().then((findings) => ({ class: cls, what, findings })));

  check('identity', 'credentials and caller identity', async () => {
    try {
      const id = await p.callerIdentity();
      return id.identityType === 'Account'
        ? [
            finding(
              'preflight.identity.root-account',
              id.arn,
              "the access key is the root account's: it can do anything, and a leak costs everything",
              'create a RAM user with deploy/ram-policy.json and use its key instead',
            ),
          ]
        : [];
    } catch (e) {
      if (e instanceof CloudError && e.code === 'cloud.unreachable')
        return [
          finding(
            'preflight.identity.unreachable',
            cloud.target,
            `the cloud did not answer: ${e.message}`,
            'check the network path to the endpoint (DNS, proxy, firewall) and VPNBOT_ALIBABA_ENDPOINT',
          ),
        ];
      if (e instanceof CloudError && e.category === 'retryable')
        return [callFailed(e, 'GetCallerIdentity', 'identity', 'credentials and caller identity')];
      const why = e instanceof Error ? e.message : String(e);
      return [
        finding(
          'preflight.identity.credentials',
          cloud.target,
          e instanceof CloudError && isCredentialRefusal(e)
            ? `the cloud does not accept the access key: ${why}`
            : `the caller's identity could not be read: ${why}`,
          'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET to an active key of a RAM user',
        ),
      ];
    }
  });

  check('billing', `billing site (${SITE_BILLING[p.site].words})`, async () => {
    try {
      const currency = await p.billingCurrency();
      const site = siteOfCurrency(currency);
      if (site === p.site) return [];
      const other = site ?? (p.site === 'china' ? 'international' : 'china');
      return [
        finding(
          'preflight.billing.site-mismatch',
          `VPNBOT_ACCOUNT_SITE=${p.site}`,
          `the account is billed in ${currency || 'an unknown currency'}: it is a ${SITE_BILLING[other].words} account, and VPN gateways bought as ${SITE_BILLING[p.site].vpnGateway.chargeType} would be refused`,
          `set VPNBOT_ACCOUNT_SITE=${other} (VPN gateways then go ${SITE_BILLING[other].vpnGateway.chargeType}${SITE_BILLING[other].vpnGateway.period ? `, ${SITE_BILLING[other].vpnGateway.period} month` : ''})`,
        ),
      ];
    } catch (e) {
      return [callFailed(e, 'QueryAccountBalance', 'billing', 'billing site')];
    }
  });

  const stepById = new Map((plan?.steps ?? []).map((s) => [s.id, s]));
  const zoneOfVswitch = (stepId: string | undefined) => {
    const s = stepId ? stepById.get(stepId) : undefined;
    return s?.kind === 'vswitch' && s.action !== 'delete' ? s.params.zoneId : undefined;
  };

  // Zones: where each new VPN gateway's two vSwitches are, against DescribeVpnGatewayAvailableZones.
  const gateways = creates(plan, 'vpn-gateway');
  for (const region of new Set(gateways.map((g) => g.region))) {
    check('zone', `VPN gateway zones in ${region}`, async () => {
      let sold: readonly string[];
      try {
        sold = await cloud.vpnGatewayZones(region);
      } catch (e) {
        return [
          e instanceof CloudError && isPermissionRefusal(e)
            ? permissionDenied('DescribeVpnGatewayAvailableZones', region)
            : callFailed(e, 'DescribeVpnGatewayAvailableZones', 'zone', `VPN gateway zones in ${region}`),
        ];
      }
      const wanted = new Set(
        gateways
          .filter((g) => g.region === region)
          .flatMap((g) => [zoneOfVswitch(g.refs.vswitchId.step), zoneOfVswitch(g.refs.drVswitchId.step)])
          .filter((z): z is string => z !== undefined),
      );
      return [...wanted]
        .filter((z) => !sold.includes(z))
        .map((z) =>
          finding(
            'preflight.zone.vpn-gateway',
            z,
            `${z} does not sell dual-tunnel VPN gateways now (${region} sells them in ${sold.join(', ') || 'no zone'})`,
            `put the site's zones in ${sold.slice(0, 2).join(' and ') || 'another region'} (\`zones:\` in the topology)`,
          ),
        );
    });
  }

  // Zones: each new transit-router VPC connection's zones, against ListTransitRouterAvailableResource.
  const attachments = creates(plan, 'tr-vpc-attachment');
  for (const region of new Set(attachments.map((a) => a.region))) {
    check('zone', `transit-router zones in ${region}`, async () => {
      let sold: readonly string[];
      try {
        sold = await p.transitRouterZones(region);
      } catch (e) {
        return [callFailed(e, 'ListTransitRouterAvailableResource', 'zone', `transit-router zones in ${region}`)];
      }
      const wanted = new Set(attachments.filter((a) => a.region === region).flatMap((a) => a.params.zoneIds));
      return [...wanted]
        .filter((z) => !sold.includes(z))
        .map((z) =>
          finding(
            'preflight.zone.transit-router',
            z,
            `transit routers in ${region} take no VPC connection in ${z} (they do in ${sold.join(', ') || 'no zone'})`,
            `put the site's zones in ${sold.slice(0, 2).join(' and ') || 'another region'} (\`zones:\` in the topology)`,
          ),
        );
    });
  }

  // Stock: each zone with new probes, the planned type with its system disk, fallbacks named.
  const probes = creates(plan, 'ecs-instance');
  const probeZones = new Map(probes.map((i) => [`${i.region}/${i.params.zoneId}`, i]));
  for (const probe of probeZones.values()) {
    const { zoneId, instanceType } = probe.params;
    check('stock', `probe stock in ${zoneId}`, async () => {
      let stock: ReadonlyMap<string, boolean>;
      try {
        stock = await p.instanceStock(probe.region, zoneId, PROBE_SYSTEM_DISK.category);
      } catch (e) {
        return [callFailed(e, 'DescribeAvailableResource', 'stock', `probe stock in ${zoneId}`)];
      }
      if (stock.get(instanceType) === true) return [];
      const fallback = PROBE_TYPE_FALLBACKS.find((t) => t !== instanceType && stock.get(t) === true);
      const code = stock.has(instanceType) ? 'preflight.stock.sold-out' : 'preflight.stock.not-sold';
      return [
        finding(
          code,
          `${instanceType} in ${zoneId}`,
          `${zoneId} ${code === 'preflight.stock.sold-out' ? 'has no stock of' : 'does not sell'} ${instanceType} with a ${PROBE_SYSTEM_DISK.category} system disk: the probes there would fail with OperationDenied.NoStock`,
          fallback
            ? `fallback: ${fallback} is in stock in ${zoneId}; or give the site another zone, or plan without probes (\`probes: false\`)`
            : `none of ${PROBE_TYPE_FALLBACKS.join(', ')} is in stock there: give the site another zone, or plan without probes (\`probes: false\`)`,
        ),
      ];
    });
  }

  // Permissions: a dry run of each kind of create the API offers one for.
  const dryRuns: { region: string; create: DryRunCreate }[] = [];
  const firstVpc = creates(plan, 'vpc')[0];
  if (firstVpc)
    dryRuns.push({ region: firstVpc.region, create: { action: 'CreateVpc', cidrBlock: firstVpc.params.cidrBlock } });
  const firstProbe = probes[0];
  if (firstProbe)
    dryRuns.push({
      region: firstProbe.region,
      create: {
        action: 'RunInstances',
        zoneId: firstProbe.params.zoneId,
        instanceType: firstProbe.params.instanceType,
        imageFamily: firstProbe.params.imageFamily,
        diskCategory: PROBE_SYSTEM_DISK.category,
      },
    });
  for (const { region, create } of dryRuns) {
    check('permission', `dry run of ${create.action}`, async () => {
      const refusal = await p.dryRun(region, create).catch((e: unknown) => {
        if (e instanceof CloudError) return e;
        throw e;
      });
      if (!refusal) return [];
      if (isPermissionRefusal(refusal)) return [permissionDenied(create.action, region)];
      // Stock refusals are the stock check's to report; a busy cloud says nothing of the apply.
      if (refusal.cloudCode === 'OperationDenied.NoStock') return [];
      if (refusal.category === 'retryable')
        return [callFailed(refusal, create.action, 'permission', `dry run of ${create.action}`)];
      return [
        finding(
          'preflight.permission.dry-run-refused',
          `${create.action} in ${region}`,
          `a dry run of ${create.action} was refused: ${refusal.message}`,
          'the apply would fail the same way at this step: fix what the message names',
        ),
      ];
    });
  }

  // Quotas: VPN gateways per region, what exists plus what the plan adds.
  for (const region of new Set(gateways.map((g) => g.region))) {
    const adding = gateways.filter((g) => g.region === region).length;
    check('quota', `VPN gateway quota in ${region}`, async () => {
      try {
        const { quota, used } = await p.vpnGatewayQuota(region);
        if (used + adding <= quota) return [];
        return [
          finding(
            'preflight.quota.vpn-gateways',
            region,
            `the plan adds ${adding} VPN gateway${adding === 1 ? '' : 's'} in ${region}, which holds ${used} of its quota of ${quota}`,
            'delete unused VPN gateways in that region, or ask for a higher quota in the Quota Center console',
          ),
        ];
      } catch (e) {
        return [callFailed(e, 'GetProductQuota', 'quota', `VPN gateway quota in ${region}`)];
      }
    });
  }

  const results = await Promise.all(checks);
  return {
    checks: results.map((r) => ({ class: r.class, what: r.what, ok: r.findings.length === 0 })),
    findings: results.flatMap((r) => r.findings),
    calls: cloud.calls() - callsBefore,
    ms: now() - started,
    site: SITE_BILLING[p.site].words,
  };
}

function permissionDenied(action: string, region: string): Finding {
  return finding(
    'preflight.permission.denied',
    ramActionOf(action),
    `the credentials may not call ${action} in ${region}: the apply would stop there`,
    `add \`${ramActionOf(action)}\` to the RAM user's policy (deploy/ram-policy.json grants it)`,
  );
}
