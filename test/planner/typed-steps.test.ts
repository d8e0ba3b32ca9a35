/**
 * Steps are typed by kind. The `@ts-expect-error` lines are the test: the build (tsc, in jest's
 * global setup) fails if a misspelled field in a driver or a step ever compiles again.
 */
import type { ResourceDriver } from '../../src/cloud/cloud-api';
import { desiredSteps } from '../../src/planner/desired-steps';
import type { DesiredStepOf, Step } from '../../src/planner/plan';
import { STEP_CATALOGUE } from '../../src/planner/step-catalogue';
import { parseStepId, stepId } from '../../src/planner/step-ids';
import { STEP_PARAMS } from '../../src/planner/step-params';
import { seedTopology } from '../helpers/topologies';

describe('typed steps', () => {
  it('a driver reads its parameters by their declared names', () => {
    const driver: Pick<ResourceDriver<'vpc'>, 'create'> = {
      async create(input) {
        // @ts-expect-error: a misspelled parameter does not compile
        return input.params.cidrBlok;
      },
    };
    const vswitch: Pick<ResourceDriver<'vswitch'>, 'create'> = {
      // A reference resolves to a value of its own name.
      create: async (input) => `${input.params.vpcId}/${input.params.zoneId}`,
    };
    expect(typeof driver.create).toBe('function');
    expect(typeof vswitch.create).toBe('function');
  });

  it('a step of one kind cannot carry the parameters of another', () => {
    const bad: DesiredStepOf<'route-entry'> = {
      id: 'x',
      kind: 'route-entry',
      site: 's',
      region: 'r',
      action: 'create',
      dependsOn: [],
      // @ts-expect-error: a route entry has no cidrBlock
      params: { cidrBlock: '10.0.0.0/8', destinationCidr: '10.0.0.0/8', nextHopType: 'VpnGateway', name: 'n' },
      refs: {
        routeTableId: { step: 'vpc:s', output: 'routeTableId' },
        nextHopId: { step: 'vpn-gateway:s', output: 'id' },
      },
    };
    expect(bad.kind).toBe('route-entry');
  });

  it('narrowing on kind types the parameters', () => {
    const steps: Step[] = desiredSteps(seedTopology());
    const names = steps.flatMap((s) =>
      s.kind === 'ipsec-connection' && s.action !== 'delete' ? [s.params.peerSite] : [],
    );
    expect(names).toHaveLength(4);
  });

  it('every planned step matches the schema of its kind (what storage checks plans against)', () => {
    for (const s of desiredSteps(seedTopology())) expect(STEP_PARAMS[s.kind].safeParse(s.params).success).toBe(true);
  });

  it('step ids are taken apart in one place, and every kind has a policy', () => {
    expect(parseStepId(stepId.ipsecPair('hongkong', '192.168.0.0/16', '10.0.0.0/8'))).toEqual({
      kind: 'ipsec-connection',
      site: 'hongkong',
      local: '192.168.0.0/16',
      remote: '10.0.0.0/8',
    });
    expect(parseStepId(stepId.ipsecPeer('hk', 'jp'))).toEqual({ kind: 'ipsec-connection', site: 'hk', peer: 'jp' });
    expect(parseStepId(stepId.cen('ikev1test'))).toEqual({ kind: 'cen', topology: 'ikev1test', site: null });
    expect(parseStepId(stepId.securityGroupRule('us', 'icmp', '10.0.0.0/8'))).toEqual({
      kind: 'security-group-rule',
      site: 'us',
      protocol: 'icmp',
      source: '10.0.0.0/8',
    });
    expect(parseStepId(stepId.securityGroupRules('us'))).toEqual({ kind: 'security-group-rules', site: 'us' });
    expect(parseStepId('security-group-rules:us:extra')).toBeUndefined();
    expect(parseStepId('nonsense:x')).toBeUndefined();
    expect(parseStepId('vpc:')).toBeUndefined();
    for (const s of desiredSteps(seedTopology())) expect(parseStepId(s.id)).toMatchObject({ kind: s.kind });
    expect(Object.keys(STEP_CATALOGUE).sort()).toEqual(Object.keys(STEP_PARAMS).sort());
  });

  it('a create and a delete on the same cloud object take the same lock', () => {
    const at = (id: string, region = 'ap-northeast-1') => ({ id, region });
    const connection = STEP_CATALOGUE['ipsec-connection'].locks('hongkong', 't', at('x'));
    const gatewayDelete = STEP_CATALOGUE['vpn-gateway'].locks('hongkong', 't', at('x'));
    expect(connection).toEqual(['vpn-gateway:hongkong']);
    expect(gatewayDelete).toEqual(connection);
    expect(STEP_CATALOGUE['route-entry'].locks('japan', 't', at('x'))).toEqual(
      STEP_CATALOGUE.vswitch.locks('japan', 't', at('x')),
    );
    expect(STEP_CATALOGUE['cen-route-publish'].locks('japan', 't', at('x'))).toEqual(['cen:t']);
    // A transit router's changes take its lock; an inter-region connection takes both routers', from its id alone.
    expect(STEP_CATALOGUE['tr-association'].locks('japan', 't', at('tr-association:japan'))).toEqual([
      'transit-router:ap-northeast-1',
    ]);
    expect(
      STEP_CATALOGUE['tr-peer-attachment'].locks(null, 't', at('tr-peer-attachment:ap-northeast-1:us-west-1')),
    ).toEqual(['transit-router:ap-northeast-1', 'transit-router:us-west-1']);
    expect(STEP_CATALOGUE['tr-vpc-route'].locks('us', 't', at('x', 'us-west-1'))).toEqual(['vpc:us']);
  });
});
