import { classify, mapSdkError } from '../../src/cloud/alibaba/map-error';

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
  ])('%s (%i) is %s', (code, status, category) => {
    expect(classify(code, status)).toBe(category);
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
});
