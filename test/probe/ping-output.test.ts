import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePingOutput } from '../../src/probe/ping-output';

const fixture = (dir: string, name: string) => readFileSync(join(__dirname, '..', 'fixtures', dir, name), 'utf8');

describe('parsePingOutput on the walkthrough outputs (iputils on Alibaba Cloud Linux)', () => {
  const cases: [string, string, number, number, number, number][] = [
    // file, target, ttl, avg, min, max
    ['seed-hongkong-to-japan.txt', '172.16.0.65', 62, 53.385, 53.334, 53.492],
    ['seed-hongkong-to-us.txt', '10.0.0.231', 62, 158.099, 158.004, 158.436],
    ['seed-japan-to-hongkong.txt', '192.168.0.219', 62, 53.905, 53.22, 56.893],
    ['seed-japan-to-us.txt', '10.0.0.231', 64, 104.66, 104.643, 104.68],
    ['seed-us-to-hongkong.txt', '192.168.0.219', 62, 146.823, 146.716, 146.987],
    ['seed-us-to-japan.txt', '172.16.0.65', 64, 115.867, 115.847, 115.884],
  ];
  it.each(cases)('%s', (file, target, ttl, avg, min, max) => {
    const text = fixture('ping', file);
    const r = parsePingOutput(text);
    expect(r.program).toBe('iputils');
    expect(r.errors).toEqual([]);
    expect(r.targets).toHaveLength(1);
    const t = r.targets[0]!;
    const stats = /(\d+) packets transmitted, (\d+) received/.exec(text)!;
    expect(t).toMatchObject({
      target,
      ttl,
      rttAvgMs: avg,
      rttMinMs: min,
      rttMaxMs: max,
      lossPct: 0,
      errors: 0,
      duplicates: 0,
      complete: true,
    });
    expect(t.transmitted).toBe(Number(stats[1]));
    expect(t.received).toBe(Number(stats[2]));
    expect(t.replies).toHaveLength(t.received);
  });
});

describe('parsePingOutput on captured Linux outputs', () => {
  it('iputils quiet: statistics without replies, so no TTL', () => {
    const t = parsePingOutput(fixture('ping-linux', 'iputils-quiet-loopback.txt')).targets[0]!;
    expect(t).toMatchObject({
      target: '127.0.0.1',
      transmitted: 5,
      received: 5,
      lossPct: 0,
      rttAvgMs: 0.035,
      rttMdevMs: 0.009,
      complete: true,
    });
    expect(t.ttl).toBeUndefined();
  });
  it('iputils partial loss', () => {
    const t = parsePingOutput(fixture('ping-linux', 'iputils-partial-loss-1of3.txt')).targets[0]!;
    expect(t).toMatchObject({ transmitted: 3, received: 2, lossPct: 33.3333, ttl: 63, rttAvgMs: 0.052 });
    expect(t.replies.map((r) => r.seq)).toEqual([1, 3]);
  });
  it('iputils total loss is a result with 100 % loss and no RTT', () => {
    const r = parsePingOutput(fixture('ping-linux', 'iputils-total-loss-drop-W1.txt'));
    expect(r.errors).toEqual([]);
    expect(r.targets[0]).toMatchObject({ transmitted: 3, received: 0, lossPct: 100, errors: 0, complete: true });
    expect(r.targets[0]!.rttAvgMs).toBeUndefined();
  });
  it('iputils ICMP errors: each line and the +N errors count', () => {
    const t = parsePingOutput(fixture('ping-linux', 'iputils-reject-host-unreachable.txt')).targets[0]!;
    expect(t).toMatchObject({ transmitted: 5, received: 0, errors: 5, lossPct: 100 });
    expect(t.icmpErrors).toHaveLength(5);
    expect(t.icmpErrors[0]).toEqual({ from: '10.213.2.2', seq: 1, message: 'Destination Host Unreachable' });
  });
  it('BusyBox normal output', () => {
    const r = parsePingOutput(fixture('ping-linux', 'busybox-normal-loopback.txt'));
    expect(r.program).toBe('busybox');
    expect(r.targets[0]).toMatchObject({
      target: '127.0.0.1',
      transmitted: 5,
      received: 5,
      lossPct: 0,
      ttl: 64,
      rttMinMs: 0.047,
      rttAvgMs: 0.06,
      rttMaxMs: 0.083,
    });
    expect(r.targets[0]!.rttMdevMs).toBeUndefined();
    expect(r.targets[0]!.replies[0]!.seq).toBe(0);
  });
  it('BusyBox total loss', () => {
    const r = parsePingOutput(fixture('ping-linux', 'busybox-total-loss-drop-W1.txt'));
    expect(r.targets[0]).toMatchObject({ transmitted: 3, received: 0, lossPct: 100 });
  });
});

describe('parsePingOutput on what people paste: -D timestamps, IPv6, quiet summaries, inetutils, unreachable neighbours', () => {
  const read = (file: string) => parsePingOutput(fixture('ping-linux', file));
  // file, program, target, transmitted, received, ttl, avg, mdev (undefined: not printed)
  const answered: [string, string, string, number, number, number | undefined, number, number | undefined][] = [
    ['iputils-timestamps-D-loopback.txt', 'iputils', '127.0.0.1', 3, 3, 64, 0.031, 0.003],
    ['iputils-ipv6-loopback.txt', 'iputils', '::1', 3, 3, 64, 0.068, 0.037],
    ['iputils-ping6-loopback.txt', 'iputils', '::1', 3, 3, 64, 0.048, 0.018],
    ['iputils-ipv6-quiet-loopback.txt', 'iputils', '::1', 3, 3, undefined, 0.03, 0.011],
    ['inetutils-normal-loopback.txt', 'inetutils', '127.0.0.1', 3, 3, 64, 0.05, 0],
    ['inetutils-quiet-loopback.txt', 'inetutils', '127.0.0.1', 3, 3, undefined, 0.05, 0],
    ['inetutils-ping6-loopback.txt', 'inetutils', '::1', 3, 3, 64, 0.044, 0],
    ['busybox-quiet-loopback.txt', 'busybox', '127.0.0.1', 3, 3, undefined, 0.077, undefined],
    ['busybox-ipv6-loopback.txt', 'busybox', '::1', 3, 3, 64, 0.065, undefined],
  ];
  it.each(answered)('%s', (file, program, target, transmitted, received, ttl, avg, mdev) => {
    const r = read(file);
    expect(r).toMatchObject({ program, errors: [] });
    expect(r.targets).toHaveLength(1);
    const t = r.targets[0]!;
    expect(t).toMatchObject({ target, transmitted, received, lossPct: 0, rttAvgMs: avg, complete: true, errors: 0 });
    expect(t.ttl).toBe(ttl);
    expect(t.rttMdevMs).toBe(mdev);
    expect(t.replies).toHaveLength(ttl === undefined ? 0 : received);
  });

  // file, program, target, transmitted, the neighbour's (or this host's) answer, from
  const unreachable: [string, string, string, number, string | undefined, string | undefined][] = [
    ['iputils-neighbour-unreachable.txt', 'iputils', '10.9.0.2', 3, 'Destination Host Unreachable', '10.9.0.1'],
    [
      'iputils-timestamps-D-neighbour-unreachable.txt',
      'iputils',
      '10.9.0.2',
      2,
      'Destination Host Unreachable',
      '10.9.0.1',
    ],
    [
      'iputils-ipv6-neighbour-unreachable.txt',
      'iputils',
      'fd00:9::2',
      3,
      'Destination unreachable: Address unreachable',
      'fd00:9::1',
    ],
    ['inetutils-neighbour-unreachable.txt', 'inetutils', '10.9.0.2', 3, 'Destination Host Unreachable', '10.9.0.1'],
    [
      'inetutils-ping6-neighbour-unreachable.txt',
      'inetutils',
      'fd00:9::2',
      2,
      'Destination unreachable: Address unreachable',
      'fd00:9::1',
    ],
    // BusyBox prints nothing for ICMP errors: plain loss.
    ['busybox-neighbour-unreachable.txt', 'busybox', '10.9.0.2', 3, undefined, undefined],
  ];
  it.each(unreachable)('%s', (file, program, target, transmitted, message, from) => {
    const r = read(file);
    expect(r).toMatchObject({ program, errors: [] });
    const t = r.targets[0]!;
    expect(t).toMatchObject({ target, transmitted, received: 0, lossPct: 100, complete: true });
    expect(t.rttAvgMs).toBeUndefined();
    expect(t.errors).toBe(message ? transmitted : 0);
    expect(t.icmpErrors).toHaveLength(message ? transmitted : 0);
    if (message) expect(t.icmpErrors[0]).toMatchObject({ from, message });
  });

  it('a -D run cut short still counts its replies', () => {
    const cut = fixture('ping-linux', 'iputils-timestamps-D-loopback.txt').split('\n').slice(0, 3).join('\n');
    expect(parsePingOutput(cut).targets[0]).toMatchObject({ complete: false, transmitted: 2, received: 2, ttl: 64 });
  });
});

describe('parsePingOutput on edge cases built from the fixtures', () => {
  it('several runs in one text, in order', () => {
    const text = fixture('ping', 'seed-japan-to-us.txt') + fixture('ping-linux', 'iputils-total-loss-drop-W1.txt');
    expect(parsePingOutput(text).targets.map((t) => [t.target, t.lossPct])).toEqual([
      ['10.0.0.231', 0],
      ['10.213.2.2', 100],
    ]);
  });
  it('a run cut short before its statistics counts what it saw and says it is incomplete', () => {
    const lines = fixture('ping', 'seed-us-to-hongkong.txt').split('\n');
    const cut = lines.slice(0, 4).join('\n');
    const t = parsePingOutput(cut).targets[0]!;
    expect(t).toMatchObject({ complete: false, transmitted: 3, received: 3, ttl: 62 });
  });
  it('duplicates are counted and not averaged twice', () => {
    const text = fixture('ping-linux', 'iputils-partial-loss-1of3.txt')
      .replace(
        'icmp_seq=3 ttl=63 time=0.063 ms',
        'icmp_seq=3 ttl=63 time=0.063 ms\n64 bytes from 10.213.2.2: icmp_seq=3 ttl=63 time=0.070 ms (DUP!)',
      )
      .replace('2 received,', '2 received, +1 duplicates,');
    const t = parsePingOutput(text).targets[0]!;
    expect(t).toMatchObject({ duplicates: 1, received: 2 });
    expect(t.replies.filter((r) => r.duplicate)).toHaveLength(1);
  });
  it('unknown hosts, from iputils and BusyBox', () => {
    expect(parsePingOutput('ping: nosuch.example: Name or service not known\n').errors).toEqual([
      { target: 'nosuch.example', message: 'unknown host nosuch.example' },
    ]);
    expect(parsePingOutput("ping: bad address 'nosuch'\n").errors).toEqual([
      { target: 'nosuch', message: 'unknown host nosuch' },
    ]);
  });
  it('text that is not ping output gives an empty report, not an exception', () => {
    expect(parsePingOutput('hello\n\u0000\u0001 random')).toEqual({ program: 'unknown', targets: [], errors: [] });
  });
});
