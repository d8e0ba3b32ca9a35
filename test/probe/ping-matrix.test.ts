import { buildMatrix, summarizeMatrix, type PingMatrix } from '../../src/probe/ping-matrix';
import { renderHeatMapPng, renderHeatMapSvg } from '../../src/probe/heat-map';
import { renderMatrixTable } from '../../src/probe/render-matrix';
import type { MeasuredCell } from '../../src/probe/measure-matrix';
import type { PairPrediction } from '../../src/reachability/predict';
import { parsePingOutput } from '../../src/probe/ping-output';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixture = (name: string) =>
  parsePingOutput(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8')).targets[0]!;
const ok = (from: string, to: string, file = 'ping/seed-japan-to-us.txt'): MeasuredCell => ({
  from,
  to,
  measured: true,
  report: fixture(file),
});
const predicted = (from: string, to: string, reachable = true, ttl = 64): PairPrediction => ({
  from,
  to,
  reachable,
  path: [from, 'CEN', to],
  ttl,
  reliesOn: [],
  links: [],
  ...(reachable ? {} : { reason: `${from} has no route` }),
});

describe('buildMatrix', () => {
  it('pass when measured as predicted, with the figures of the ping', () => {
    const m = buildMatrix('t', 1, [ok('a', 'b')], [predicted('a', 'b')]);
    expect(m.cells[0]).toMatchObject({
      verdict: 'pass',
      matches: true,
      rttAvgMs: 104.66,
      lossPct: 0,
      ttl: 64,
      predicted: 'reachable',
      reason: '',
    });
  });
  it('fail on 100 % loss; a mismatch takes its explanation', () => {
    const m = buildMatrix(
      't',
      1,
      [ok('a', 'b', 'ping-linux/iputils-total-loss-drop-W1.txt')],
      [predicted('a', 'b')],
      new Map(),
      new Map([['a>b', 'expected via X published to CEN by b: it is not published now']]),
    );
    expect(m.cells[0]).toMatchObject({
      verdict: 'fail',
      matches: false,
      reason: 'expected via X published to CEN by b: it is not published now',
      rttAvgMs: null,
    });
  });
  it('ICMP errors are quoted in a mismatch', () => {
    const m = buildMatrix(
      't',
      1,
      [ok('a', 'b', 'ping-linux/iputils-reject-host-unreachable.txt')],
      [predicted('a', 'b')],
    );
    expect(m.cells[0]!.reason).toMatch(/\(Destination Host Unreachable from 10\.213\.2\.2\)$/);
  });
  it('warn on partial loss, and on RTT well above the baseline', () => {
    expect(
      buildMatrix('t', 1, [ok('a', 'b', 'ping-linux/iputils-partial-loss-1of3.txt')], [predicted('a', 'b', true, 63)])
        .cells[0],
    ).toMatchObject({ verdict: 'warn', matches: true, reason: '33.3333% loss' });
    expect(buildMatrix('t', 1, [ok('a', 'b')], [predicted('a', 'b')], new Map([['a>b', 50]])).cells[0]).toMatchObject({
      verdict: 'warn',
      reason: 'RTT 104.66 ms, baseline 50 ms',
    });
    expect(buildMatrix('t', 1, [ok('a', 'b')], [predicted('a', 'b')], new Map([['a>b', 100]])).cells[0]!.verdict).toBe(
      'pass',
    );
  });
  it('a TTL other than predicted is a mismatch: the path differs', () => {
    expect(buildMatrix('t', 1, [ok('a', 'b')], [predicted('a', 'b', true, 62)]).cells[0]).toMatchObject({
      verdict: 'pass',
      matches: false,
      reason: expect.stringMatching(/ttl 64, predicted 62/),
    });
  });
  it('replies where none were predicted is a mismatch; loss where none were predicted is not', () => {
    expect(buildMatrix('t', 1, [ok('a', 'b')], [predicted('a', 'b', false)]).cells[0]).toMatchObject({
      matches: false,
      predicted: 'unreachable',
    });
    expect(
      buildMatrix('t', 1, [ok('a', 'b', 'ping-linux/iputils-total-loss-drop-W1.txt')], [predicted('a', 'b', false)])
        .cells[0],
    ).toMatchObject({ matches: true, verdict: 'fail' });
  });
  it('a cell not measured is unknown with its reason, never unreachable', () => {
    const m = buildMatrix(
      't',
      1,
      [{ from: 'a', to: 'b', measured: false, why: 'agent-offline', detail: 'Cloud Assistant is not running on i-1' }],
      [predicted('a', 'b')],
    );
    expect(m.cells[0]).toMatchObject({
      verdict: 'unknown',
      matches: true,
      reason: 'not measured: Cloud Assistant is not running on i-1',
    });
    // Nothing measured: nothing is said to be as predicted.
    expect(summarizeMatrix(m)).toBe('0 of 1 pairs pass, 1 not measured');
  });
});

describe('rendering the matrix', () => {
  const m: PingMatrix = buildMatrix(
    'seed',
    Date.UTC(2026, 10, 25, 12),
    [
      ok('japan', 'us'),
      ok('us', 'japan', 'ping/seed-us-to-japan.txt'),
      ok('japan', 'hk', 'ping-linux/iputils-total-loss-drop-W1.txt'),
      { from: 'hk', to: 'japan', measured: false, why: 'timeout', detail: 'the ping script did not finish' },
    ],
    [
      predicted('japan', 'us'),
      predicted('us', 'japan'),
      predicted('japan', 'hk', true, 62),
      predicted('hk', 'japan', true, 62),
    ],
    new Map(),
    new Map([['japan>hk', 'tunnel x is down: DPD timeout']]),
  );

  it('as a table: rows are sources, columns destinations, then the reasons', () => {
    const t = renderMatrixTable(m);
    expect(t).toMatch(
      /^Ping matrix for seed, measured 2026-11-25T12:00:00Z: 2 of 4 pairs pass, 1 fail, 1 not measured, 1 not as predicted\n/,
    );
    expect(t).toContain('japan                     104.7ms 0% ok  100% loss FAIL !');
    expect(t).toContain('hk         not measured   -');
    expect(t).toContain('! japan -> hk: tunnel x is down: DPD timeout');
    expect(t).toContain('- hk -> japan: not measured: the ping script did not finish');
  });
  it('as a heat map: an SVG with the figures, the legend and the time, rasterised to PNG', () => {
    const svg = renderHeatMapSvg(m, { sandbox: true });
    for (const text of [
      'Ping matrix: seed (SANDBOX)',
      '2026-11-25T12:00:00Z',
      '104.7 ms',
      '100% loss',
      'not measured',
      'partial loss',
      '(not as predicted)',
    ])
      expect(svg).toContain(text);
    const png = renderHeatMapPng(m);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(640);
  });
});
