import { execFileSync, spawnSync } from 'node:child_process';
import { DEFAULT_PING, matrixScript, matrixScriptSeconds, splitMatrixOutput } from '../../src/probe/matrix-script';
import { PACED_PING } from '../../src/probe/pace-schedule';

const hasPing = spawnSync('sh', ['-c', 'command -v ping'], { encoding: 'utf8' }).status === 0;

describe('matrixScript', () => {
  it('pings every target in the background and prints each between markers', () => {
    const s = matrixScript(['10.0.0.1', '192.168.0.9'], DEFAULT_PING);
    expect(s.startsWith('#!/bin/bash\n')).toBe(true);
    expect(s).toContain('ping -n -c 5 -i 0.2 -W 2 10.0.0.1 > "$d/1" 2>&1 &');
    expect(s).toContain('ping -n -c 5 -i 0.2 -W 2 192.168.0.9 > "$d/2" 2>&1 &');
    expect(s.indexOf('wait')).toBeGreaterThan(s.indexOf('192.168.0.9 >'));
  });
  it('refuses anything but IPv4 addresses, so nothing else reaches the shell', () => {
    expect(() => matrixScript(['10.0.0.1; rm -rf /'])).toThrow(/not an IPv4 address/);
    expect(() => matrixScript(['$(id)'])).toThrow(/not an IPv4 address/);
    expect(() => matrixScript(['10.0.0.256'])).toThrow(/not an IPv4 address/);
    expect(() => matrixScript(['10.0.0.1'], { ...DEFAULT_PING, count: 0 })).toThrow(/count/);
  });
  it('a target may have its own ping (one a second, 16 bytes) and wait for its turn', () => {
    const s = matrixScript(
      ['10.0.0.1', { ip: '10.0.0.2', ping: { count: 3, interval: 1, wait: 2, size: 16 }, startAfter: 3.5 }],
      DEFAULT_PING,
    );
    expect(s).toContain('ping -n -c 5 -i 0.2 -W 2 10.0.0.1 > "$d/1" 2>&1 &');
    expect(s).toContain('sleep 3.5 && ping -n -c 3 -i 1 -s 16 -W 2 10.0.0.2 > "$d/2" 2>&1 &');
    expect(matrixScriptSeconds(DEFAULT_PING, [{ ip: '10.0.0.2', ping: PACED_PING, startAfter: 3.5 }])).toBe(18);
    expect(() => matrixScript([{ ip: '10.0.0.2', startAfter: Number.NaN }])).toThrow(/startAfter/);
    expect(() => matrixScript([{ ip: '10.0.0.2', ping: { ...PACED_PING, size: 8 } }])).toThrow(/size/);
  });
  it('a section missing from the output (truncated) has no report', () => {
    const out = '@@vpnbot-ping 1 10.0.0.1\nPING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n';
    const [a, b] = splitMatrixOutput(out, ['10.0.0.1', '10.0.0.2']);
    expect(a!.report?.targets[0]).toMatchObject({ target: '10.0.0.1', complete: false });
    expect(b!.report).toBeUndefined();
  });
});

// The script is real bash for Alibaba Cloud Linux: run it here with this machine's bash and
// iputils ping against loopback addresses only. CI installs iputils-ping (.ci/run).
(hasPing ? describe : describe.skip)('matrixScript run by the real bash and ping (loopback)', () => {
  it('prints one complete section per target, read back by the parser', () => {
    const targets = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
    const out = execFileSync('bash', ['-c', matrixScript(targets, { count: 3, interval: 0.2, wait: 1 })], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const sections = splitMatrixOutput(out, targets);
    for (const s of sections) {
      expect(s.report?.program).toBe('iputils');
      expect(s.report?.targets[0]).toMatchObject({
        target: s.target,
        transmitted: 3,
        received: 3,
        lossPct: 0,
        ttl: 64,
        complete: true,
      });
    }
  });
  it('a target that waits for its turn is still waited for, and read back', () => {
    const out = execFileSync(
      'bash',
      [
        '-c',
        matrixScript(
          ['127.0.0.1', { ip: '127.0.0.2', ping: { count: 2, interval: 0.2, wait: 1, size: 16 }, startAfter: 0.5 }],
          { count: 2, interval: 0.2, wait: 1 },
        ),
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    const [, late] = splitMatrixOutput(out, ['127.0.0.1', '127.0.0.2']);
    expect(late!.report?.targets[0]).toMatchObject({
      target: '127.0.0.2',
      transmitted: 2,
      received: 2,
      complete: true,
    });
    expect(out).toContain('16(44) bytes of data');
  });
});
if (!hasPing)
  console.warn(
    'matrix-script.test: ping is not installed here, the real-bash run was skipped (apt-get install iputils-ping)',
  );
