import {
  cidr,
  cidrContains,
  cidrOverlap,
  firstSubnet,
  hostAddress,
  ipInCidr,
  isUsableGatewayIp,
  parseCidr,
} from '../../src/topology/cidr';

describe('parseCidr', () => {
  it('accepts network addresses', () => {
    const r = parseCidr('172.16.0.0/12');
    expect(r).toMatchObject({ ok: true, cidr: { prefix: 12, text: '172.16.0.0/12' } });
  });
  it.each([
    ['10.0.0.0', 'mask'],
    ['10.0.0.0/33', 'mask'],
    ['10.0.0/8', 'malformed'],
    ['300.0.0.0/8', 'malformed'],
    ['ten/8', 'malformed'],
  ])('refuses %s as %s', (text, reason) => {
    expect(parseCidr(text)).toMatchObject({ ok: false, reason });
  });
  it('names the network address when host bits are set', () => {
    expect(parseCidr('192.168.1.7/16')).toMatchObject({ ok: false, reason: 'host-bits', network: '192.168.0.0/16' });
  });
});

describe('set operations', () => {
  it('contains and overlaps', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(cidrContains(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrOverlap(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))?.text).toBe('10.1.0.0/16');
    expect(cidrOverlap(cidr('10.0.0.0/8'), cidr('11.0.0.0/8'))).toBeUndefined();
  });
  it('derives subnets and hosts', () => {
    expect(firstSubnet(cidr('172.16.0.0/12')).text).toBe('172.16.0.0/24');
    expect(firstSubnet(cidr('10.0.0.0/28')).text).toBe('10.0.0.0/28');
    expect(hostAddress(cidr('10.0.0.0/24'), 231)).toBe('10.0.0.231');
    expect(ipInCidr('10.0.0.231', cidr('10.0.0.0/24'))).toBe(true);
    expect(ipInCidr('10.0.1.1', cidr('10.0.0.0/24'))).toBe(false);
  });
  it('knows which addresses a customer gateway may not use', () => {
    expect(isUsableGatewayIp('47.74.25.32')).toBe(true);
    expect(isUsableGatewayIp('127.0.0.1')).toBe(false);
    expect(isUsableGatewayIp('100.64.1.1')).toBe(false);
    expect(isUsableGatewayIp('not-an-ip')).toBe(false);
  });
});
