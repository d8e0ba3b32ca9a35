import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRtt, parsePingArgs, renderPing } from '../../src/emulator/guest/ping-script';

/** Copied from the workplace's shared/fixtures/ping: the walkthrough's six real outputs. */
const FIXTURES = join(__dirname, '..', 'fixtures', 'ping');

describe('ping output, as iputils prints it', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));

  it('has the real outputs to compare with', () => {
    expect(files).toHaveLength(6);
  });

  it.each(files)('reproduces %s line for line from the same replies', (file) => {
    const real = readFileSync(join(FIXTURES, file), 'utf8');
    const dest = /^PING (\S+)/.exec(real)![1]!;
    const replies = [...real.matchAll(/ttl=(\d+) time=([\d.]+) ms/g)].map((m) => ({
      ttl: Number(m[1]),
      rttMs: Number(m[2]),
    }));
    const total = Number(/time (\d+)ms/.exec(real)![1]);
    const spec = parsePingArgs(`-c ${replies.length} -i 1 -W 2 ${dest}`.split(' '));
    if (spec.kind !== 'ping') throw new Error('not parsed as ping');
    const ours = renderPing(spec.spec, replies, total - (replies.length - 1) * 1000).output.split('\n');
    const theirs = real.split('\n');
    // Everything but the statistics' decimals (the real ones come from unrounded times) is identical.
    expect(ours.slice(0, -2)).toEqual(theirs.slice(0, -2));
    expect(ours.at(-2)).toMatch(/^rtt min\/avg\/max\/mdev = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/);
    expect(ours.at(-1)).toBe('');
  });

  it('formats reply times with three significant digits', () => {
    expect([formatRtt(158.004), formatRtt(53.334), formatRtt(5.1234), formatRtt(0.3456)]).toEqual([
      '158',
      '53.3',
      '5.12',
      '0.346',
    ]);
  });

  it('total loss: no rtt line, an empty line, exit code 1', () => {
    const spec = parsePingArgs(['-c', '3', '-q', '10.0.0.1']);
    if (spec.kind !== 'ping') throw new Error('not parsed as ping');
    const run = renderPing(spec.spec, [null, null, null], 5);
    expect(run.exitCode).toBe(1);
    expect(run.output).toBe(
      'PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n\n--- 10.0.0.1 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2105ms\n\n',
    );
  });

  it('reads the options it supports and refuses the ones it does not', () => {
    expect(parsePingArgs('-n -c 6 -i 0.2 -W 1 -q -s 100 10.0.0.1'.split(' '))).toEqual({
      kind: 'ping',
      spec: { destination: '10.0.0.1', count: 6, interval: 0.2, wait: 1, quiet: true, size: 100 },
    });
    expect(parsePingArgs(['-f', '10.0.0.1'])).toEqual({ kind: 'usage', message: "ping: invalid option -- 'f'" });
    expect(parsePingArgs(['-c'])).toMatchObject({ kind: 'usage' });
  });
});
