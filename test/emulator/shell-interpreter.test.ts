import { createClock } from '../../src/emulator/state/emulator-clock';
import { runShellScript } from '../../src/emulator/guest/shell-interpreter';
import { World, type InstanceR } from '../../src/emulator/state/world';
import { matrixScript, splitMatrixOutput } from '../../src/probe/matrix-script';

/** An instance in a VPC that does not exist: every ping is lost ("no route"), which is all these tests need. */
function lonelyInstance(): { w: World; inst: InstanceR } {
  const w = new World(createClock({ timeScale: 1, now: () => 1_000_000 }), () => 0.5);
  const inst = {
    id: 'i-test0000',
    regionId: 'cn-hongkong',
    zoneId: 'cn-hongkong-b',
    vswitchId: 'vsw-x',
    vpcId: 'vpc-none',
    securityGroupIds: [],
    privateIp: '192.168.0.10',
    name: 'probe',
    instanceType: 'ecs.t6',
    imageId: 'aliyun',
    agentOnlineAt: 0,
    tags: {},
    createdAt: 0,
    phases: { steps: [], final: 'Running' },
  } as InstanceR;
  return { w, inst };
}

const sh = (script: string) => {
  const { w, inst } = lonelyInstance();
  return runShellScript(w, inst, 'RunShellScript', script);
};

describe("the emulated instances' bash", () => {
  it('variables, quotes, echo and command substitution', () => {
    expect(sh('x=hello; echo "$x world" \'$x\' ${x}!').output).toBe('hello world $x hello!\n');
    expect(sh('d=$(mktemp -d); echo "$d"').output).toMatch(/^\/tmp\/tmp\.\w+\n$/);
  });
  it('redirection into files, cat, rm, and exit statuses with && and ||', () => {
    expect(sh('echo one > /tmp/a; echo two >> /tmp/a; cat /tmp/a').output).toBe('one\ntwo\n');
    expect(sh('cat /nope || echo missing').output).toBe('cat: /nope: No such file or directory\nmissing\n');
    expect(sh('false && echo no; true && echo yes').output).toBe('yes\n');
    expect(sh('echo x > /tmp/f; rm -f /tmp/f; cat /tmp/f 2>/dev/null || echo gone').output).toBe('gone\n');
  });
  it("unknown commands are not found, with bash's words and exit 127", () => {
    expect(sh('echo a\ncurl http://x')).toMatchObject({
      output: 'a\nbash: line 2: curl: command not found\n',
      exitCode: 127,
    });
  });
  it('comments and the shebang are ignored', () => {
    expect(sh('#!/bin/bash\n# a comment\necho hi # trailing').output).toBe('hi\n');
  });
  it('background jobs run at once: wait takes as long as the slowest, not the sum', () => {
    const parallel = sh('sleep 2 &\nsleep 3 &\nwait');
    const serial = sh('sleep 2\nsleep 3');
    expect(parallel.seconds).toBeCloseTo(3.05, 1);
    expect(serial.seconds).toBeCloseTo(5.05, 1);
  });
  it('a trailing & backgrounds the whole and-or list: a delayed start does not hold up the script', () => {
    const r = sh(
      'sleep 2 && echo late > /tmp/a &\nsleep 1 && echo early > /tmp/b &\necho now\nwait\ncat /tmp/a /tmp/b',
    );
    expect(r.output).toBe('now\nlate\nearly\n');
    expect(r.seconds).toBeCloseTo(2.05, 1);
    expect(sh('false && sleep 5 &\nwait').seconds).toBeLessThan(0.1);
  });
  it("runs vpnbot's matrix script: one section per target, 100 % loss where there is no route", () => {
    const targets = ['10.0.0.5', '172.16.0.9'];
    const run = sh(matrixScript(targets, { count: 3, interval: 0.2, wait: 1 }));
    const sections = splitMatrixOutput(run.output, targets);
    expect(sections.map((s) => s.report?.targets[0])).toEqual([
      expect.objectContaining({ target: '10.0.0.5', transmitted: 3, received: 0, lossPct: 100, complete: true }),
      expect.objectContaining({ target: '172.16.0.9', transmitted: 3, received: 0, lossPct: 100, complete: true }),
    ]);
    // Both pings waited in parallel: about one ping's time (2 intervals + the last wait), not two.
    expect(run.seconds).toBeLessThan(2);
  });
});
