/**
 * A security group's rules as one resource, through the official SDK against the emulator: chunks
 * of at most 100 rules a call, a re-apply after a run cut short adds nothing twice, a changed set
 * converges without touching rules that are not vpnbot's, and a delete revokes exactly vpnbot's.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { createAlibabaClients, type AlibabaClients } from '../../src/cloud/alibaba/alibaba-clients';
import { createDriverContext, type DriverContext } from '../../src/cloud/alibaba/driver-kit';
import { RULES_PER_CALL, securityGroupRulesDriver } from '../../src/cloud/alibaba/security-group-rules-driver';
import type { ResourceInput } from '../../src/cloud/cloud-api';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { ruleSetDigest, ruleSetId, type Rule } from '../../src/planner/rule-set';
import { $Ecs, $Vpc, sdkClients, until } from '../helpers/alibaba-sdk';

const REGION = 'cn-hongkong';
let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ timeScale: 0.0005 });
});
afterEach(() => emu.close());

/** The clients, recording how many rules each Authorize/RevokeSecurityGroup call carried. */
function recordingClients(): { clients: AlibabaClients; sent: { action: string; rules: number }[] } {
  const real = createAlibabaClients({
    endpoint: emu.endpoint,
    credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
  });
  const sent: { action: string; rules: number }[] = [];
  const clients: AlibabaClients = {
    ...real,
    ecsForm: (region, action, query, body) => {
      if (action === 'AuthorizeSecurityGroup')
        sent.push({ action, rules: (body.Permissions as unknown[] | undefined)?.length ?? 0 });
      return real.ecsForm(region, action, query, body);
    },
    ecs: (region: string) => {
      const c = real.ecs(region);
      return new Proxy(c, {
        get(target, name, receiver) {
          if (name === 'authorizeSecurityGroup')
            return (r: $Ecs.AuthorizeSecurityGroupRequest) => {
              sent.push({ action: 'AuthorizeSecurityGroup', rules: r.permissions?.length ?? 0 });
              return target.authorizeSecurityGroup(r);
            };
          if (name === 'revokeSecurityGroup')
            return (r: $Ecs.RevokeSecurityGroupRequest) => {
              sent.push({ action: 'RevokeSecurityGroup', rules: r.securityGroupRuleId?.length ?? 0 });
              return target.revokeSecurityGroup(r);
            };
          return Reflect.get(target, name, receiver);
        },
      });
    },
  };
  return { clients, sent };
}

async function group(): Promise<string> {
  const c = sdkClients(emu);
  const vpcId = (await c.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: REGION, cidrBlock: '10.0.0.0/8' }))).body!
    .vpcId!;
  await until(
    'vpc',
    async () =>
      (await c.vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: REGION, vpcId }))).body!.vpcs!.vpc![0]!
        .status === 'Available',
  );
  return (await c.ecs.createSecurityGroup(new $Ecs.CreateSecurityGroupRequest({ regionId: REGION, vpcId }))).body!
    .securityGroupId!;
}

const icmpFrom = (n: number, from = 0): Rule[] =>
  Array.from({ length: n }, (_, i) => ({
    ipProtocol: 'ICMP',
    portRange: '-1/-1',
    sourceCidrIp: `172.${16 + Math.floor((from + i) / 256)}.${(from + i) % 256}.0/24`,
    policy: 'accept' as const,
    priority: 2,
  }));

const input = (
  securityGroupId: string,
  rules: Rule[],
  run = 'run-1',
  inNewGroup = false,
): ResourceInput<'security-group-rules'> => ({
  region: REGION,
  params: { securityGroupId, rules, ...(inNewGroup ? { inNewGroup } : {}) },
  tags: {},
  clientToken: `${run}-security-group-rules-site`,
  marker: 'vpnbot:topo:security-group-rules:site',
});

async function rulesIn(sg: string) {
  return (
    await sdkClients(emu).ecs.describeSecurityGroupAttribute(
      new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: sg, maxResults: 1000 }),
    )
  ).body!.permissions!.permission!;
}

describe('security-group-rules driver', () => {
  it('authorizes a group of more than 100 rules in chunks of at most 100, and reads it ready by its digest', async () => {
    const sg = await group();
    const { clients, sent } = recordingClients();
    const driver = securityGroupRulesDriver(createDriverContext(clients));
    const rules = icmpFrom(250);
    // The longest request head sent: the rules go in the form body, not in the URL.
    let longestPath = 0;
    const watch = (m: unknown) => {
      longestPath = Math.max(longestPath, (m as { request: ClientRequest }).request.path.length);
    };
    subscribe('http.client.request.start', watch);
    const id = await driver.create(input(sg, rules)).finally(() => unsubscribe('http.client.request.start', watch));
    expect(longestPath).toBeGreaterThan(0);
    expect(longestPath).toBeLessThan(2048);
    expect(id).toBe(ruleSetId(sg, ruleSetDigest(rules)));
    expect(sent).toEqual([
      { action: 'AuthorizeSecurityGroup', rules: RULES_PER_CALL },
      { action: 'AuthorizeSecurityGroup', rules: RULES_PER_CALL },
      { action: 'AuthorizeSecurityGroup', rules: 50 },
    ]);
    const held = await rulesIn(sg);
    expect(held).toHaveLength(250);
    expect(new Set(held.map((r) => r.description))).toEqual(new Set(['vpnbot:topo:security-group-rules:site']));
    expect((await driver.read(REGION, id)).state).toBe('ready');
    expect(await driver.find(input(sg, rules))).toBe(id);
    // Another set of rules is not this one: the refresh finds nothing, and the planner makes it again.
    expect(await driver.find(input(sg, icmpFrom(251)))).toBeUndefined();
  });

  it("reads every page of a group's rules (over 1,000: two pages of DescribeSecurityGroupAttribute)", async () => {
    const sg = await group();
    const { clients, sent } = recordingClients();
    const driver = securityGroupRulesDriver(createDriverContext(clients));
    const rules = icmpFrom(1_050);
    const id = await driver.create(input(sg, rules));
    expect(sent).toHaveLength(11);
    // Ready only if both pages were read: the digest is over all 1,050 rules.
    expect((await driver.read(REGION, id)).state).toBe('ready');
    sent.length = 0;
    await driver.delete(REGION, id);
    expect(sent.map((x) => x.rules)).toEqual([...Array(10).fill(100), 50]);
    expect(await rulesIn(sg)).toEqual([]);
  });

  it('a run cut short after the first chunk, applied again, adds only the rest and nothing twice', async () => {
    const sg = await group();
    const { clients, sent } = recordingClients();
    const base = createDriverContext(clients);
    let authorized = 0;
    // The process dies right after the first chunk went through.
    const dying: DriverContext = {
      ...base,
      async call(action, fn) {
        const r = await base.call(action, fn);
        if (action === 'AuthorizeSecurityGroup' && ++authorized === 1) throw new Error('killed');
        return r;
      },
    };
    const rules = icmpFrom(150);
    await expect(securityGroupRulesDriver(dying).create(input(sg, rules))).rejects.toThrow('killed');
    expect(await rulesIn(sg)).toHaveLength(100);
    const driver = securityGroupRulesDriver(base);
    // Half made is not the resource: the resumed step finds nothing and creates, which converges.
    expect(await driver.find(input(sg, rules, 'run-2'))).toBeUndefined();
    sent.length = 0;
    const id = await driver.create(input(sg, rules, 'run-2'));
    expect(sent).toEqual([{ action: 'AuthorizeSecurityGroup', rules: 50 }]);
    const held = await rulesIn(sg);
    expect(held).toHaveLength(150);
    expect(new Set(held.map((r) => r.sourceCidrIp)).size).toBe(150);
    expect((await driver.read(REGION, id)).state).toBe('ready');
    // Applied once more: nothing to do.
    sent.length = 0;
    await driver.create(input(sg, rules, 'run-3'));
    expect(sent).toEqual([]);
  });

  it('in a group the plan made: no read first; cut short and applied again, it adds nothing twice', async () => {
    const sg = await group();
    const { clients, sent } = recordingClients();
    const base = createDriverContext(clients);
    const made: string[] = [];
    let authorized = 0;
    const dying: DriverContext = {
      ...base,
      async call(action, fn) {
        made.push(action);
        const r = await base.call(action, fn);
        if (action === 'AuthorizeSecurityGroup' && ++authorized === 1) throw new Error('killed');
        return r;
      },
    };
    const rules = icmpFrom(150);
    await expect(securityGroupRulesDriver(dying).create(input(sg, rules, 'run-1', true))).rejects.toThrow('killed');
    expect(made).toEqual(['AuthorizeSecurityGroup']);
    // The same run resumed: the same chunks, the same tokens; the cloud holds each rule once.
    sent.length = 0;
    const id = await securityGroupRulesDriver(base).create(input(sg, rules, 'run-1', true));
    expect(sent).toEqual([
      { action: 'AuthorizeSecurityGroup', rules: 100 },
      { action: 'AuthorizeSecurityGroup', rules: 50 },
    ]);
    const held = await rulesIn(sg);
    expect(held).toHaveLength(150);
    expect(new Set(held.map((r) => r.sourceCidrIp)).size).toBe(150);
    expect((await securityGroupRulesDriver(base).read(REGION, id)).state).toBe('ready');
  });

  it("a changed set revokes the rules no longer asked for and adds the new ones; rules not vpnbot's stay", async () => {
    const sg = await group();
    const c = sdkClients(emu);
    await c.ecs.authorizeSecurityGroup(
      new $Ecs.AuthorizeSecurityGroupRequest({
        regionId: REGION,
        securityGroupId: sg,
        permissions: [
          new $Ecs.AuthorizeSecurityGroupRequestPermissions({
            ipProtocol: 'TCP',
            portRange: '22/22',
            sourceCidrIp: '203.0.113.0/24',
            description: 'ssh from the office',
          }),
        ],
      }),
    );
    const { clients, sent } = recordingClients();
    const driver = securityGroupRulesDriver(createDriverContext(clients));
    const first = await driver.create(input(sg, icmpFrom(3)));
    sent.length = 0;
    const next = icmpFrom(3, 1);
    const second = await driver.create(input(sg, next, 'run-2'));
    expect(sent).toEqual([
      { action: 'RevokeSecurityGroup', rules: 1 },
      { action: 'AuthorizeSecurityGroup', rules: 1 },
    ]);
    expect((await driver.read(REGION, first)).state).toBe('gone');
    expect((await driver.read(REGION, second)).state).toBe('ready');
    const held = await rulesIn(sg);
    expect(held.map((r) => r.sourceCidrIp).sort()).toEqual(
      ['203.0.113.0/24', ...next.map((r) => r.sourceCidrIp)].sort(),
    );

    // Destroy: every rule of vpnbot's goes, in chunks of at most 100; the office's rule stays.
    const many = await driver.create(input(sg, icmpFrom(120), 'run-3'));
    sent.length = 0;
    await driver.delete(REGION, many);
    expect(sent).toEqual([
      { action: 'RevokeSecurityGroup', rules: 100 },
      { action: 'RevokeSecurityGroup', rules: 20 },
    ]);
    expect((await rulesIn(sg)).map((r) => r.description)).toEqual(['ssh from the office']);
    expect((await driver.read(REGION, many)).state).toBe('gone');
    // Deleting again, or once the group is gone, is done already.
    await driver.delete(REGION, many);
    await c.ecs.deleteSecurityGroup(new $Ecs.DeleteSecurityGroupRequest({ regionId: REGION, securityGroupId: sg }));
    await driver.delete(REGION, many);
    expect((await driver.read(REGION, many)).state).toBe('gone');
  });
});
