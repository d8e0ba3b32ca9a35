import { canonicalQueryString, sign, stringToSign } from '../../src/emulator/server/signature';

describe('ACS3-HMAC-SHA256 (server side)', () => {
  // Test vectors of the SDK's own util.spec.ts (shared/reference/alibaba-api.md §3).
  const payloadHash = '55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23';

  it('reproduces the SDK vector with query, duplicate headers and an empty value', () => {
    const req = {
      method: 'undefined',
      path: '',
      query: { test: 'ok', empty: '' },
      headers: { 'x-acs-test': ['https', 'http'] },
      body: Buffer.alloc(0),
    };
    expect(sign('secret', stringToSign(req, ['x-acs-test'], payloadHash))).toBe(
      '0f2d549523cf082c83bb8135b5863614f7fe16ca7c2c7fc537e74d67374eeeac',
    );
  });

  it('reproduces the SDK vector with no query and no headers', () => {
    const req = { method: 'undefined', path: '', query: {}, headers: {}, body: Buffer.alloc(0) };
    expect(sign('secret', stringToSign(req, [], payloadHash))).toBe(
      '608b887e491f3e88e85276b188a4d24e29230a559464685ccbf2dcc458e1fde8',
    );
  });

  it("encodes values as the signer does, including !'()* and spaces", () => {
    expect(canonicalQueryString({ b: "a b!*'()", a: '10.0.0.0/8', 'Tag.1.Key': 'vpnbot:step' })).toBe(
      'Tag.1.Key=vpnbot%3Astep&a=10.0.0.0%2F8&b=a%20b%21%2A%27%28%29',
    );
  });
});
