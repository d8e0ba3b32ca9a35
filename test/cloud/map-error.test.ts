import { classify, mapSdkError, transportCause } from '../../src/cloud/alibaba/map-error';
import { ERROR_CODES } from '../../src/errors';

describe('SDK errors, classified once', () => {
  it.each([
    ['Throttling.User', 400, 'retryable'],
    ['ServiceUnavailable', 503, 'retryable'],
    ['InternalError', 500, 'retryable'],
    ['VpnGateway.Configuring', 400, 'retryable'],
    ['TaskConflict', 400, 'retryable'],
    ['Operation.Blocking', 400, 'retryable'],
    ['IncorrectVpcStatus', 400, 'retryable'],
    ['DependencyViolation.VSwitch', 400, 'dependency'],
    ['InvalidVpcId.NotFound', 404, 'not-found'],
    ['ParameterInstanceId', 400, 'not-found'],
    ['QuotaExceeded.VpnConnection', 400, 'user'],
    ['InvalidParameter.IkeV1MultipleCidrs', 400, 'user'],
    ['SignatureDoesNotMatch', 400, 'fatal'],
    ['InvalidAccessKeyId.NotFound', 404, 'fatal'],
    ['Forbidden.RAM', 403, 'fatal'],
    // The busy codes Terraform retries (alibaba-today.md §3).
    ['OperationFailed.IdempotentTokenProcessing', 400, 'retryable'],
    ['CreateVSwitch.IncorrectStatus.cbnStatus', 400, 'retryable'],
    ['DeleteVSwitch.IncorrectStatus.cbnStatus', 400, 'retryable'],
    ['OperationFailed.NotifyCenCreate', 400, 'retryable'],
    ['InvalidStatus.RouteEntry', 400, 'retryable'],
    ['InstanceStatus.NotSupport', 400, 'retryable'],
    ['OperationDenied.OtherSubnetProcessing', 400, 'retryable'],
    ['InvalidOperation.Conflict', 400, 'retryable'],
    ['Operation.Conflict', 400, 'retryable'],
    ['OperationFailed.SslNotSupport', 400, 'retryable'],
    ['Appliance.Configuring', 400, 'retryable'],
    ['VpnConnection.Configuring', 400, 'retryable'],
    ['VpnTask.CONFLICT', 400, 'retryable'],
    ['VpnConnection.InvalidCreateTunnelOptions', 400, 'user'],
  ])('%s (%i) is %s', (code, status, category) => {
    expect(classify(code, status)).toBe(category);
  });

  it('a busy state the cloud gives only in words is retryable, whatever the code', () => {
    expect(classify('InvalidOperation.CenInstanceStatus', 400)).toBe('retryable');
    const e = mapSdkError(
      {
        code: 'InvalidParameter',
        statusCode: 400,
        data: { Message: 'The route entry is not in a valid state for the operation.' },
      },
      'PublishRouteEntries',
    );
    expect(e.category).toBe('retryable');
    expect(classify('InvalidParameter', 400, 'CidrBlock is not valid')).toBe('user');
  });

  it('keeps code, message and request id; 5xx and network failures are ambiguous', () => {
    const e = mapSdkError(
      { code: 'InternalError', statusCode: 500, data: { Message: 'oops', RequestId: 'R-9' } },
      'CreateVpc',
    );
    expect(e).toMatchObject({
      category: 'retryable',
      cloudCode: 'InternalError',
      requestId: 'R-9',
      ambiguous: true,
      message: 'CreateVpc: InternalError: oops',
      code: 'cloud.retryable',
    });
    expect(
      mapSdkError({ code: 'QuotaExceeded.Vpc', statusCode: 400, data: { Message: 'no' } }, 'CreateVpc').ambiguous,
    ).toBe(false);
    expect(mapSdkError(new Error('socket hang up'), 'CreateVpc')).toMatchObject({
      category: 'retryable',
      cloudCode: 'NetworkError',
      ambiguous: true,
    });
  });

  describe('transport errors: the endpoint and the cause, with a separator', () => {
    // What the SDK's HTTP layer throws, as observed (it glues the request line onto the socket's message).
    const cases: [string, object, string, string][] = [
      [
        'connect',
        Object.assign(
          new Error('connect ECONNREFUSED 127.0.0.1:1POST http://127.0.0.1:1/?RegionId=cn-hongkong failed.'),
          {
            code: 'ECONNREFUSED',
          },
        ),
        'DescribeVpcs: transport error: connect: cannot connect to 127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1; POST http://127.0.0.1:1/?[redacted] failed)',
        'retryable',
      ],
      [
        'timeout',
        Object.assign(new Error('ConnectTimeout: Connect HTTP://127.0.0.1:9/?RegionId=x failed.'), {
          name: 'RequestTimeoutError',
        }),
        'DescribeVpcs: transport error: timeout: no answer from 127.0.0.1:9 in time (ConnectTimeout; Connect HTTP://127.0.0.1:9/?[redacted] failed)',
        'retryable',
      ],
      [
        'dns',
        Object.assign(
          new Error('getaddrinfo ENOTFOUND vpc.nowhere.examplePOST https://vpc.nowhere.example/?A=1 failed.'),
          { code: 'ENOTFOUND' },
        ),
        'DescribeVpcs: transport error: DNS: cannot resolve vpc.nowhere.example (getaddrinfo ENOTFOUND vpc.nowhere.example; POST https://vpc.nowhere.example/?[redacted] failed)',
        'fatal',
      ],
      [
        'tls',
        Object.assign(
          new Error('write EPROTO ssl3_get_record:wrong version number\nPOST https://127.0.0.1:8443/?A=1 failed.'),
          {
            code: 'EPROTO',
          },
        ),
        'DescribeVpcs: transport error: TLS: the secure connection to 127.0.0.1:8443 failed (write EPROTO ssl3_get_record:wrong version number; POST https://127.0.0.1:8443/?[redacted] failed)',
        'fatal',
      ],
    ];
    it.each(cases)('%s', (cause, raw, message, category) => {
      const e = mapSdkError(raw, 'DescribeVpcs');
      expect(transportCause(raw as { code?: string })).toBe(cause);
      expect(e).toMatchObject({ message, category, code: 'cloud.unreachable', cloudCode: 'NetworkError' });
      // Configuration (a name, a certificate) is not retried, and nothing says "try again later".
      expect(ERROR_CODES['cloud.unreachable'].hint).not.toContain('try again later');
    });
  });
});
