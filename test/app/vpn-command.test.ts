import { parseVpnCommand } from '../../src/app/vpn-command';
import { mayApprove, channelAllowed, DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';

describe('the /vpn parser', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['plan', { kind: 'plan', form: 'modal', text: '' }],
    ['plan seed', { kind: 'plan', form: 'line', text: 'seed' }],
    [
      'PLAN corp dc:hk=192.168.0.0/16;ip=203.0.113.1 hub:jp@ap-northeast-1=172.16.0.0/12',
      { kind: 'plan', form: 'line' },
    ],
    ['plan ```yaml\nname: t\nsites: []\n```', { kind: 'plan', form: 'yaml', text: 'name: t\nsites: []' }],
    ['apply ikev1test', { kind: 'apply', name: 'ikev1test' }],
    ['status', { kind: 'status' }],
    ['status ikev1test', { kind: 'status', name: 'ikev1test' }],
    ['destroy ikev1test', { kind: 'destroy', name: 'ikev1test' }],
    ['config hybrid dc1', { kind: 'config', name: 'hybrid', site: 'dc1' }],
    ['config hybrid dc1 FortiGate', { kind: 'config', name: 'hybrid', site: 'dc1', vendor: 'FortiGate' }],
    ['doctor', { kind: 'doctor' }],
    ['doctor ikev1test', { kind: 'doctor', topology: 'ikev1test' }],
    ['DOCTOR seed', { kind: 'doctor', topology: 'seed' }],
  ])('%j', (text, expected) => {
    expect(parseVpnCommand(text)).toMatchObject(expected);
  });

  it.each([
    ['plna seed', 'unknown subcommand "plna"', 'did you mean `/vpn plan`?'],
    ['destroy', '`/vpn destroy` takes one topology name', 'e.g. `/vpn destroy ikev1test`'],
    ['destroy a b', '`/vpn destroy` takes one topology name', ''],
    ['apply Bad_Name', '"Bad_Name" is not a topology name', 'lowercase'],
    ['status a b', '`/vpn status` takes one topology name', '/vpn status'],
    [
      'config hybrid',
      '`/vpn config` takes a topology, a site and, optionally, a vendor',
      '/vpn config hybrid dc1 fortios',
    ],
    ['config hybrid DC_1', '"DC_1" is not a site name', 'strongswan'],
    ['config hybrid dc1 <@U1>', '"<@U1>" is not a vendor', 'junos'],
    [`doctor ${'x'.repeat(2001)}`, 'too long for `/vpn doctor`', 'name a known topology'],
    ['doc seed', 'unknown subcommand "doc"', 'did you mean `/vpn doctor`?'],
  ])('%j is refused with what is wrong and how to write it', (text, message, hint) => {
    const c = parseVpnCommand(text);
    expect(c).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining(message),
      hint: expect.stringContaining(hint),
    });
  });
});

describe('the approval policy', () => {
  it('never lets the requester approve unless self-approval is on; approvers by id or group; channels', async () => {
    expect(await mayApprove(DEFAULT_APPROVAL_POLICY, 'U1', 'U1')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('someone else'),
    });
    expect(await mayApprove(DEFAULT_APPROVAL_POLICY, 'U1', 'U2')).toEqual({ ok: true });
    expect(await mayApprove({ ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true }, 'U1', 'U1')).toEqual({ ok: true });
    const policy = { ...DEFAULT_APPROVAL_POLICY, approvers: ['U9', 'SNETOPS'] };
    const members = async (g: string) => (g === 'SNETOPS' ? ['U7'] : []);
    expect(await mayApprove(policy, 'U1', 'U9', members)).toEqual({ ok: true });
    expect(await mayApprove(policy, 'U1', 'U7', members)).toEqual({ ok: true });
    expect(await mayApprove(policy, 'U1', 'U2', members)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not one of the approvers'),
    });
    // A group that cannot be read admits nobody.
    expect(await mayApprove(policy, 'U1', 'U7', async () => Promise.reject(new Error('ratelimited')))).toMatchObject({
      ok: false,
    });
    expect(channelAllowed({ ...DEFAULT_APPROVAL_POLICY, channels: ['C1'] }, 'C2')).toMatchObject({ ok: false });
    expect(channelAllowed({ ...DEFAULT_APPROVAL_POLICY, channels: ['C1'] }, 'C1')).toEqual({ ok: true });
  });
});

describe('/vpn ping', () => {
  it('measure, history, and a pasted row (code block or not)', () => {
    expect(parseVpnCommand('ping ikev1test')).toEqual({ kind: 'ping', name: 'ikev1test', mode: 'measure' });
    expect(parseVpnCommand('ping ikev1test history')).toEqual({ kind: 'ping', name: 'ikev1test', mode: 'history' });
    const out = 'PING 10.0.0.5 (10.0.0.5) 56(84) bytes of data.\n64 bytes from 10.0.0.5: icmp_seq=1 ttl=62 time=5 ms';
    expect(parseVpnCommand(`ping ikev1test from dc1\n\`\`\`\n${out}\n\`\`\``)).toEqual({
      kind: 'ping',
      name: 'ikev1test',
      mode: 'paste',
      site: 'dc1',
      output: out,
    });
    expect(parseVpnCommand(`ping ikev1test from dc1\n${out}`)).toMatchObject({ mode: 'paste', output: out });
  });
  it('says what is wrong otherwise', () => {
    expect(parseVpnCommand('ping')).toMatchObject({ kind: 'invalid', message: '`/vpn ping` takes a topology name' });
    expect(parseVpnCommand('ping Bad_Name')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('is not a topology name'),
    });
    expect(parseVpnCommand('ping ikev1test from dc1')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('needs the ping output'),
    });
    expect(parseVpnCommand('ping ikev1test sideways')).toMatchObject({
      kind: 'invalid',
      message: '`/vpn ping` does not understand "sideways"',
    });
    expect(parseVpnCommand(`ping ikev1test from dc1\n${'x'.repeat(70_000)}`)).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('64 KiB'),
    });
  });
});
