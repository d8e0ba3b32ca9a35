import { DEFAULT_PING } from '../../src/probe/matrix-script';
import { PACED_PING, paceSchedule, type Round } from '../../src/probe/pace-schedule';

const SITES = ['hongkong', 'japan', 'us'];
const LINK = 'tr-peer-attachment:ap-northeast-1:us-west-1';
/** The walkthrough on today's CEN: the pairs to and from the US cross Tokyo <-> Silicon Valley. */
const SEED_PACED = new Map(['hongkong>us', 'japan>us', 'us>hongkong', 'us>japan'].map((k) => [k, [LINK]]));

const show = (rounds: Round[]) =>
  rounds.map((r) =>
    Object.fromEntries(
      [...r].map(([from, ts]) => [from, ts.map((t) => `${t.to}${t.paced ? `@${t.startAfter}` : ''}`)]),
    ),
  );

describe('paceSchedule', () => {
  it('nothing on the test bandwidth: one round, every pair at full speed', () => {
    const rounds = paceSchedule(SITES, new Map(), DEFAULT_PING);
    expect(show(rounds)).toEqual([{ hongkong: ['japan', 'us'], japan: ['hongkong', 'us'], us: ['hongkong', 'japan'] }]);
    expect(rounds[0]!.get('us')![0]!.ping).toBe(DEFAULT_PING);
  });

  it('the pairs on one connection take turns, one source a round, its pairs one after the other', () => {
    const rounds = paceSchedule(SITES, SEED_PACED, DEFAULT_PING);
    expect(show(rounds)).toEqual([
      { hongkong: ['japan'], japan: ['hongkong'], us: ['hongkong@0', 'japan@3.5'] },
      { hongkong: ['us@0'] },
      { japan: ['us@0'] },
    ]);
    expect(rounds[1]!.get('hongkong')![0]!.ping).toEqual(PACED_PING);
  });

  it('at most 3 pings a paced pair, fewer if fewer were asked', () => {
    expect(paceSchedule(SITES, SEED_PACED, { ...DEFAULT_PING, count: 1 })[1]!.get('hongkong')![0]!.ping.count).toBe(1);
    expect(paceSchedule(SITES, SEED_PACED, { ...DEFAULT_PING, count: 20 })[1]!.get('hongkong')![0]!.ping.count).toBe(3);
  });

  it('turns on different connections share rounds', () => {
    const paced = new Map([
      ['a>b', ['ab']],
      ['c>d', ['cd']],
      ['b>a', ['ab']],
    ]);
    expect(show(paceSchedule(['a', 'b', 'c', 'd'], paced, DEFAULT_PING))).toEqual([
      { a: ['c', 'd', 'b@0'], b: ['c', 'd'], c: ['a', 'b', 'd@0'], d: ['a', 'b', 'c'] },
      { b: ['a@0'] },
    ]);
  });
});
