/**
 * Environment -> one typed, validated Config. The only reader of process.env in the code base;
 * everything else receives the values it needs.
 */
import { z } from 'zod';
import type { ApprovalPolicy } from './app/approval-policy';
import type { AccountSite } from './cloud/billing';
import { formatProblems, problem, type Result } from './errors';
import {
  DEFAULT_IPSEC_CONNECTION_QUOTA,
  DEFAULT_SECURITY_GROUP_RULE_QUOTA,
  type ValidationOptions,
} from './topology/validate';

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every environment variable vpnbot reads, with its range and default (the table in docs/operations.md is checked against it). */
export const ENV_SCHEMA = z.object({
  VPNBOT_DB: z.string().min(1).optional(),
  VPNBOT_PARALLELISM: intFrom(1, 100).default(10),
  VPNBOT_IPSEC_CONNECTION_QUOTA: intFrom(1, 1000).default(DEFAULT_IPSEC_CONNECTION_QUOTA),
  VPNBOT_SECURITY_GROUP_RULE_QUOTA: intFrom(1, 10000).default(DEFAULT_SECURITY_GROUP_RULE_QUOTA),
  VPNBOT_ALIBABA_ENDPOINT: z.string().url().optional(),
  /** Which site bills the account: how VPN gateways are bought (src/cloud/billing.ts). */
  VPNBOT_ACCOUNT_SITE: z.enum(['international', 'china']).default('international'),
  VPNBOT_SECRET_KEY: z.string().min(16).optional(),
  VPNBOT_TIME_SCALE: z.coerce.number().positive().max(1).default(0.01),
  VPNBOT_RUN_LEASE_SECONDS: intFrom(5, 3600).default(60),
  VPNBOT_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'),
  VPNBOT_ENDPOINT_PACE: z.coerce.number().positive().max(1).optional(),
  VPNBOT_CLOUD_TIMEOUT_MS: intFrom(100, 300_000).default(20_000),
  VPNBOT_REFRESH_BUDGET_SECONDS: intFrom(1, 3600).default(60),
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token (xoxb-...)')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token (xapp-...)')
    .optional(),
  SLACK_API_URL: z.string().url().optional(),
  PORT: intFrom(0, 65535).default(3000),
  /** The address HTTP mode listens on; unset: every interface (what a container or a proxy in front needs). */
  HOST: z.string().min(1).optional(),
  VPNBOT_HTTP_MAX_CONNECTIONS: intFrom(1, 100_000).default(200),
  VPNBOT_APPROVERS: z
    .string()
    .regex(
      /^\s*[UWS][A-Z0-9]+(\s*,\s*[UWS][A-Z0-9]+)*\s*$/,
      'must be Slack user ids (U...) and/or user group ids (S...), separated by commas',
    )
    .optional(),
  VPNBOT_ALLOW_SELF_APPROVAL: z.enum(['true', 'false']).default('false'),
  VPNBOT_ANYONE_MAY_APPROVE: z.enum(['true', 'false']).default('false'),
  VPNBOT_CHANNELS: z
    .string()
    .regex(/^\s*[CGD][A-Z0-9]+(\s*,\s*[CGD][A-Z0-9]+)*\s*$/, 'must be Slack channel ids (C...), separated by commas')
    .optional(),
  VPNBOT_PLAN_TTL_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(60),
  VPNBOT_REQUIRED_APPROVALS: intFrom(1, 10).default(1),
  VPNBOT_PROGRESS_INTERVAL_MS: intFrom(100, 60_000).default(3000),
  VPNBOT_SLACK_TIMEOUT_MS: intFrom(100, 120_000).default(15_000),
  VPNBOT_PING_INTERVAL_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional(),
  VPNBOT_DEVICE_CHECK_SECONDS: z.coerce.number().positive().max(3600).default(60),
  VPNBOT_ROTATION_DEVICE_WAIT_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(60),
  VPNBOT_DEVICE_DIAGNOSIS_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(10),
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().min(1).optional(),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().min(1).optional(),
});

/** Slack: HTTP mode with a signing secret, or Socket Mode with an app-level token; the bot token either way. */
export interface SlackConfig {
  readonly signingSecret?: string;
  readonly botToken: string;
  readonly appToken?: string;
  /** The Web API base URL (tests point it at a local fake Slack). */
  readonly apiUrl?: string;
  readonly port: number;
  /** The address to listen on; undefined: every interface. */
  readonly host?: string;
  /** HTTP connections open at once; more are refused until some close. */
  readonly maxConnections: number;
  /** The least time between two edits of one progress message (Slack asks for 3 s). */
  readonly progressIntervalMs: number;
  /** How long one Web API call may take before it is abandoned and retried. */
  readonly timeoutMs: number;
  /** Re-measure every applied topology's ping matrix this often, alerting on change; off when absent. */
  readonly pingIntervalMs?: number;
}

export interface Config {
  readonly dbPath: string;
  readonly parallelism: number;
  readonly ipsecConnectionQuota: number;
  readonly securityGroupRuleQuota: number;
  /** One endpoint for every product (e.g. a running emulator), or undefined for Alibaba's own. */
  readonly alibabaEndpoint?: string;
  /** The account's site: international (pay-as-you-go) or China (VPN gateways by subscription). */
  readonly accountSite: AccountSite;
  readonly secretKey?: string;
  /** Sandbox emulator time scale: 1 = real latencies, 0.01 = a hundred times faster. */
  readonly sandboxTimeScale: number;
  readonly logLevel: string;
  /** A run's owner renews its claim this often (a third of it); a run unrenewed this long is resumed by another process. */
  readonly runLeaseSeconds: number;
  /** Present only when both halves are set; the credentials chain may still find others. */
  readonly accessKey?: { readonly id: string; readonly secret: string };
  /** Whether the SDK's credentials chain has something to go on (keys, a profile, a RAM role). */
  readonly credentialsAvailable: boolean;
  /**
   * For an endpoint that is an emulator with a time scale: poll and back off at that pace.
   * Unset (1) for Alibaba Cloud itself.
   */
  readonly endpointPace?: number;
  /** How long one cloud call may wait for its answer before it is abandoned (and retried where safe). */
  readonly cloudTimeoutMs: number;
  /** A refresh (plan) that still cannot reach the cloud this long after it began gives up with the last error. */
  readonly refreshBudgetMs: number;
  /** How often the tunnels to awaited on-premises devices are checked, and how long one may stay down before it is diagnosed. */
  readonly deviceCheckMs: number;
  readonly deviceDiagnosisMs: number;
  /** How long a key rotation waits for an on-premises device to take a new key before it stops. */
  readonly rotationDeviceWaitMs: number;
  /** Present when SLACK_BOT_TOKEN is set (and checked to be complete). */
  readonly slack?: SlackConfig;
  readonly approval: ApprovalPolicy;
}

/** Variables the Alibaba credentials chain reads besides the access key pair. */
const CREDENTIAL_CHAIN_VARS = [
  'ALIBABA_CLOUD_CREDENTIALS_FILE',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_ECS_METADATA',
  'ALIBABA_CLOUD_ROLE_ARN',
  'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
];

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Result<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = ENV_SCHEMA.safeParse(cleaned);
  if (!r.success) {
    return {
      ok: false,
      problems: r.error.issues.map((i) =>
        problem(
          'config.invalid',
          String(i.path[0] ?? ''),
          i.message,
          `fix or unset ${String(i.path[0] ?? 'it')}; docs/operations.md (Configuration) lists every setting and its default`,
        ),
      ),
    };
  }
  const e = r.data;
  // Half a key pair used to mean the sandbox, silently: a user who set one half meant the cloud.
  if (Boolean(e.ALIBABA_CLOUD_ACCESS_KEY_ID) !== Boolean(e.ALIBABA_CLOUD_ACCESS_KEY_SECRET)) {
    const [set, missing] = e.ALIBABA_CLOUD_ACCESS_KEY_ID
      ? ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET']
      : ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_ACCESS_KEY_ID'];
    return {
      ok: false,
      problems: [
        problem(
          'config.invalid',
          missing,
          `${set} is set but ${missing} is not: half an access key is neither the cloud nor the sandbox`,
          `set ${missing} too for Alibaba Cloud, or unset ${set} for the sandbox`,
        ),
      ],
    };
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    return {
      ok: false,
      problems: [
        problem(
          'config.invalid',
          'SLACK_SIGNING_SECRET',
          'SLACK_BOT_TOKEN is set, but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is',
          "set SLACK_SIGNING_SECRET from the app's Basic Information page, or SLACK_APP_TOKEN for Socket Mode",
        ),
      ],
    };
  }
  if (e.VPNBOT_APPROVERS && e.VPNBOT_ANYONE_MAY_APPROVE === 'true') {
    return {
      ok: false,
      problems: [
        problem(
          'config.invalid',
          'VPNBOT_ANYONE_MAY_APPROVE',
          'VPNBOT_ANYONE_MAY_APPROVE=true and VPNBOT_APPROVERS are both set: either anyone approves, or the approvers do',
          'unset one of them',
        ),
      ],
    };
  }
  if (!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    return {
      ok: false,
      problems: [
        problem(
          'config.invalid',
          'SLACK_BOT_TOKEN',
          'a Slack signing secret or app token is set, but SLACK_BOT_TOKEN is not',
          "set SLACK_BOT_TOKEN (xoxb-...) from the app's OAuth & Permissions page",
        ),
      ],
    };
  }
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
  const credentialsAvailable =
    Boolean(e.ALIBABA_CLOUD_ACCESS_KEY_ID && e.ALIBABA_CLOUD_ACCESS_KEY_SECRET) ||
    CREDENTIAL_CHAIN_VARS.some((v) => cleaned[v] !== undefined);
  const sandbox = !credentialsAvailable && e.VPNBOT_ALIBABA_ENDPOINT === undefined;
  return {
    ok: true,
    value: {
      // The sandbox keeps its own database, never mixed with records of a real cloud.
      dbPath: e.VPNBOT_DB ?? (sandbox ? './data/sandbox.db' : './data/vpnbot.db'),
      parallelism: e.VPNBOT_PARALLELISM,
      ipsecConnectionQuota: e.VPNBOT_IPSEC_CONNECTION_QUOTA,
      securityGroupRuleQuota: e.VPNBOT_SECURITY_GROUP_RULE_QUOTA,
      accountSite: e.VPNBOT_ACCOUNT_SITE,
      sandboxTimeScale: e.VPNBOT_TIME_SCALE,
      logLevel: e.VPNBOT_LOG_LEVEL,
      runLeaseSeconds: e.VPNBOT_RUN_LEASE_SECONDS,
      ...(e.VPNBOT_ALIBABA_ENDPOINT ? { alibabaEndpoint: e.VPNBOT_ALIBABA_ENDPOINT } : {}),
      ...(e.VPNBOT_SECRET_KEY ? { secretKey: e.VPNBOT_SECRET_KEY } : {}),
      credentialsAvailable,
      cloudTimeoutMs: e.VPNBOT_CLOUD_TIMEOUT_MS,
      refreshBudgetMs: e.VPNBOT_REFRESH_BUDGET_SECONDS * 1000,
      deviceCheckMs: Math.round(e.VPNBOT_DEVICE_CHECK_SECONDS * 1000),
      deviceDiagnosisMs: Math.round(e.VPNBOT_DEVICE_DIAGNOSIS_MINUTES * 60_000),
      rotationDeviceWaitMs: Math.round(e.VPNBOT_ROTATION_DEVICE_WAIT_MINUTES * 60_000),
      ...(e.VPNBOT_ENDPOINT_PACE !== undefined ? { endpointPace: e.VPNBOT_ENDPOINT_PACE } : {}),
      ...(e.ALIBABA_CLOUD_ACCESS_KEY_ID && e.ALIBABA_CLOUD_ACCESS_KEY_SECRET
        ? { accessKey: { id: e.ALIBABA_CLOUD_ACCESS_KEY_ID, secret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET } }
        : {}),
      ...(e.SLACK_BOT_TOKEN
        ? {
            slack: {
              botToken: e.SLACK_BOT_TOKEN,
              port: e.PORT,
              maxConnections: e.VPNBOT_HTTP_MAX_CONNECTIONS,
              ...(e.HOST ? { host: e.HOST } : {}),
              progressIntervalMs: e.VPNBOT_PROGRESS_INTERVAL_MS,
              timeoutMs: e.VPNBOT_SLACK_TIMEOUT_MS,
              ...(e.VPNBOT_PING_INTERVAL_MINUTES !== undefined
                ? { pingIntervalMs: Math.round(e.VPNBOT_PING_INTERVAL_MINUTES * 60_000) }
                : {}),
              ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
              ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
              ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
            },
          }
        : {}),
      approval: {
        approvers: list(e.VPNBOT_APPROVERS),
        allowSelfApproval: e.VPNBOT_ALLOW_SELF_APPROVAL === 'true',
        anyoneMayApprove: e.VPNBOT_ANYONE_MAY_APPROVE === 'true',
        channels: list(e.VPNBOT_CHANNELS),
        planTtlMs: Math.round(e.VPNBOT_PLAN_TTL_MINUTES * 60_000),
        requiredApprovals: e.VPNBOT_REQUIRED_APPROVALS,
      },
    },
  };
}

export function configOrExplain(env?: Readonly<Record<string, string | undefined>>): Config | string {
  const r = loadConfig(env);
  return r.ok ? r.value : `invalid configuration:\n${formatProblems(r.problems)}`;
}

/** The quotas the topology validator applies, as configured. */
export function validationOptions(config: Config): ValidationOptions {
  return { ipsecConnectionQuota: config.ipsecConnectionQuota, securityGroupRuleQuota: config.securityGroupRuleQuota };
}
