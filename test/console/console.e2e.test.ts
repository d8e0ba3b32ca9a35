/**
 * The local console, as a person and a script use it: the built binary in a pseudo-terminal
 * (@lydell/node-pty: a real terminal, prompts and progress bar included) and through a pipe; and
 * the narrated demo. Each does plan, approve, apply, ping and destroy in the sandbox.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty } from '@lydell/node-pty';
import { SEED_YAML } from '../../src/topology/seed';
import { SEED_STEPS } from '../helpers/topologies';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
const env = (cwd: string) => ({
  PATH: process.env.PATH ?? '',
  HOME: cwd,
  VPNBOT_TIME_SCALE: '0.001',
  TERM: 'xterm-256color',
});
// Terminal output without colours and cursor movement, for matching words.
const plain = (s: string) =>
  s
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\u001b[()][A-Z0-9]/g, '')
    .replace(/\r/g, '');

function runPiped(
  cwd: string,
  args: string[],
  stdin: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawnProcess(process.execPath, [BIN, ...args], { cwd, env: { ...env(cwd), ...extraEnv } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(stdin);
  });
}

describe('vpnbot local through a pipe (a script)', () => {
  it('plan, approve, apply with the matrix and its heat map, ping, history, destroy; one command per line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-local-'));
    const script = [
      '/vpn plan seed',
      '/approve',
      '/vpn ping ikev1test',
      'ping ikev1test history',
      '/vpn ping nosuch',
      '/vpn status',
      '/vpn status ikev1test',
      '/vpn destroy ikev1test',
      '/approve',
      '',
    ].join('\n');
    const r = await runPiped(cwd, ['local'], script);
    expect(r.out).toContain('[SANDBOX: in-process Alibaba Cloud emulator, nothing real is created]');
    expect(r.out).toMatch(/You are \S+@local; here you may approve your own plans/);
    expect(r.out).toContain('Predicted reachability: 6 of 6 pairs reachable');
    expect(r.out).toContain('Type /approve or /reject (the buttons in Slack).');
    expect(r.out).toContain('The apply of ikev1test succeeded.');
    const maps = [...r.out.matchAll(/Heat map: (\S+\.png)/g)].map((m) => m[1]!);
    expect(maps).toHaveLength(2);
    for (const m of maps) expect(readFileSync(join(cwd, m)).subarray(1, 4).toString()).toBe('PNG');
    expect(maps[0]).toMatch(/^data\/ikev1test-ping-/);
    expect(r.out).toContain('6 of 6 pairs pass, all as predicted');
    expect(r.out).toMatch(/hongkong -> us +[\d.]+B/);
    expect(r.out).toContain(`ikev1test: ${SEED_STEPS} resources (${SEED_STEPS} created`);
    expect(r.out).toContain('The destroy of ikev1test succeeded.');
    // An unknown name is said before anything is measured.
    expect(r.out).toContain('Ping matrix not measured: no topology named "nosuch"');
    expect(r.out).not.toContain('Measuring the ping matrix of nosuch');
    // status <name>: the gateways' public IPs, each connection's CIDR pair and tunnel, the CEN, the matrix.
    expect(r.out).toMatch(/vpn-gateway +ikev1test-japan 10 Mbps, IPsec: vpn-\w+, ready; public IP \d+\.\d+\.\d+\.\d+/);
    expect(r.out).toMatch(
      /ipsec-connection +ikev1test-hongkong-to-japan 192\.168\.0\.0\/16 <-> 172\.16\.0\.0\/12 IKEv1, 2 tunnels: vco-\w+, tunnels master tun-\w+ up, slave tun-\w+ up/,
    );
    expect(r.out).toMatch(/tr-vpc-attachment +VPC of us through vSwitches in us-west-1a and us-west-1b: \S+, ready/);
    // Ping failed once (nosuch): the script's status says so.
    expect(r.code).toBe(1);
  });

  it('takes a YAML topology line by line, as its help says: `/vpn plan`, the YAML, then ```', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-local-'));
    const yaml = SEED_YAML.replace(/^name: .*$/m, 'name: fromyaml');
    const r = await runPiped(
      cwd,
      ['local'],
      ['/help', '/vpn plan', ...yaml.split('\n'), '```', '/reject', ''].join('\n'),
    );
    expect(r.out).toContain('/vpn plan alone, or /vpn plan ```yaml: then the YAML topology');
    expect(r.out).toContain('Type or paste the YAML topology; end it with a line of ```.');
    expect(r.out).toContain('vpnbot plan for topology "fromyaml"');
    expect(r.out).toContain(`Plan: ${SEED_STEPS} to create`);
    expect(r.out).toContain('Rejected by');
    expect(r.code).toBe(0);
  });

  it('an on-premises DC: the apply waits for its device; played with a wrong peer it is diagnosed, played right its tunnels tick off and the matrix follows', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-local-'));
    const script = [
      '/vpn plan corp dc:office=192.168.0.0/16;ip=203.0.113.10 hub:tokyo@ap-northeast-1=172.16.0.0/12 spoke:us@us-west-1=10.0.0.0/8',
      '/approve',
      '/device corp office wrong-peer-ip',
      '/device corp office',
      '/vpn config corp office fortios',
      '/vpn status',
      '',
    ].join('\n');
    // Diagnosed at once: the device is played with a mistake on purpose.
    const r = await runPiped(cwd, ['local'], script, { VPNBOT_DEVICE_DIAGNOSIS_MINUTES: '0.0001' });
    expect(r.out).toContain("The cloud side of corp is done: waiting for office's device.");
    expect(r.out).toContain("Waiting for office's device (203.0.113.10): 0 of 4 tunnels up");
    expect(r.out).toContain('[ ] corp-tokyo-to-office master tunnel ->');
    expect(r.out).toContain('/device corp office plays it');
    expect(r.out).toContain("The sandbox plays office's device, with a mistake: wrong-peer-ip (4 IPsec SAs).");
    expect(r.out).toMatch(/office: the master tunnel \([\d.]+\): wrong peer IP/);
    expect(r.out).toContain("Waiting for office's device (203.0.113.10): 2 of 4 tunnels up");
    expect(r.out).toContain("office's device is up: all 4 tunnels of corp.");
    expect(r.out).toContain('2 of 2 pairs pass, all as predicted');
    expect(r.out).toMatch(/Heat map: data\/corp-ping-/);
    const file = /Wrote (\S+) \(owner-only, mode 600\)/.exec(r.out)![1]!;
    expect(statSync(join(cwd, file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(cwd, file), 'utf8')).toMatch(/set psksecret [A-Za-z0-9]{32}/);
    expect(/^corp: \d+ resources .*$/m.exec(r.out)![0]).not.toContain('waiting for');
    expect(r.code).toBe(0);
  });

  it('/as switches the user; approval rules apply to them; bad lines get a specific answer and a non-zero exit', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-local-'));
    const r = await runPiped(
      cwd,
      ['local'],
      ['/as alice', '/whoami', '/approve', '/vpn plna seed', '/as', '/vpn plan nonsense here', ''].join('\n'),
    );
    expect(r.out).toContain('You are now alice.');
    expect(r.out).toContain('You are alice.');
    expect(r.out).toContain('Nothing to approve: plan something first (/vpn plan seed).');
    expect(r.out).toContain('unknown subcommand "plna". did you mean `/vpn plan`?');
    expect(r.out).toContain('Usage: /as <user>');
    expect(r.code).toBe(1);
  });

  it('with nothing to read, it runs the demo (npm start never waits without a terminal)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-local-'));
    const r = await runPiped(cwd, ['start'], '');
    expect(r.out).toContain('Nothing to read on standard input: running the demo.');
    expect(r.out).toContain('The demo did all it said.');
    expect(r.code).toBe(0);
  });
});

describe('vpnbot demo', () => {
  it('narrates nine stages, each doing what it said: a preflight that finds a withheld permission then passes, apply, measure, fail over to the slave tunnels, withdraw the advertisement, measure, repair in one step, measure, destroy', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-demo-'));
    // A topology of the user's named as the walkthrough: the demo never touches it.
    const mine = await runPiped(cwd, ['apply', 'seed', '--auto-approve'], '');
    expect(mine.code).toBe(0);
    const r = await runPiped(cwd, ['demo'], '');
    expect([...r.out.matchAll(/^\[(\d)\/9\] /gm)].map((m) => m[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(r.out.match(/ {2}-> done: /g)).toHaveLength(9);
    expect(r.out).toContain(
      '-> done: withheld: preflight.permission.denied (ecs:RunInstances) blocks approval; fix: add `ecs:RunInstances`',
    );
    expect(r.out).toMatch(/Granted: preflight: \d+ checks pass \(\d+ calls, \d+ ms\)/);
    expect(r.out).toContain('- hongkong -> us: failover: vpnbot-demo-hongkong-to-us runs on its slave tunnel');
    expect(r.out).toContain('6 of 6 pairs pass, all as predicted, 4 on a standby tunnel (failover)');
    expect(r.out).toContain(
      '! hongkong -> us: expected via 192.168.0.0/16 advertised to the transit router by japan: it is not advertised now',
    );
    expect(r.out).toContain(`-> done: repaired: 1 created, ${SEED_STEPS - 1} kept as they were`);
    expect(r.out).toContain('The demo did all it said.');
    expect(r.code).toBe(0);
    // Its own topology; the plans it approves, printed before they run; CEN and Cloud Assistant in a sentence.
    expect(r.out).toContain('Plan the walkthrough as "vpnbot-demo"');
    expect(r.out).toContain('vpnbot plan for topology "vpnbot-demo"');
    expect(r.out.indexOf(`Plan: ${SEED_STEPS} to create`)).toBeLessThan(r.out.indexOf('-> done: applied'));
    expect(r.out).toContain('CEN (Cloud Enterprise Network) joins VPCs of different regions');
    expect(r.out).toContain('Cloud Assistant is the agent on each ECS instance');
    // The heat maps of what it measured, written under the data directory.
    const maps = /Heat maps: (.+)/.exec(r.out)![1]!.split(', ');
    expect(maps).toHaveLength(4);
    for (const m of maps) {
      expect(m).toMatch(/^data\/vpnbot-demo-ping-.*\.png$/);
      expect(readFileSync(join(cwd, m)).subarray(1, 4).toString()).toBe('PNG');
    }
    // The demo leaves nothing behind: run again, same result; the user's ikev1test is as it was.
    expect((await runPiped(cwd, ['demo'], '')).code).toBe(0);
    const status = await runPiped(cwd, ['status'], '');
    expect(status.out).toContain(`ikev1test: ${SEED_STEPS} resources (${SEED_STEPS} created`);
    expect(status.out).not.toMatch(/vpnbot-demo: [1-9]/);
  });
});

describe('vpnbot local in a terminal (pseudo-terminal)', () => {
  it('prompts, offers Approve / Reject as a choice, draws progress, prints the matrix, and writes the heat map', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-pty-'));
    const term = spawnPty(process.execPath, [BIN, 'local'], {
      name: 'xterm-256color',
      cols: 140,
      rows: 40,
      cwd,
      env: env(cwd),
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitFor = async (what: string, test: (s: string) => boolean, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!test(plain(screen))) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; screen:\n${plain(screen).slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /** Enter on a choice, again if the prompt was not listening yet when the first one arrived. */
    const choose = async (then: (s: string) => boolean) => {
      for (let i = 0; i < 20 && !then(plain(screen)); i++) {
        await new Promise((r) => setTimeout(r, 250));
        term.write('\r');
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const typeLine = async (text: string) => {
      term.write(text);
      await new Promise((r) => setTimeout(r, 100));
      term.write('\r');
    };
    try {
      await waitFor('the prompt', (s) => s.includes('/vpn') && s.includes('vpnbot local console'));
      // Escape does not leave the console.
      term.write('\u001b');
      await new Promise((r) => setTimeout(r, 800));
      // The key after a lone Escape is read as Alt+key by the keypress decoder: a space goes first.
      await typeLine(' /whoami');
      await waitFor('the answer after Escape', (s) => /You are \S+@local\./.test(s));
      await typeLine('/vpn plan seed');
      await waitFor('the Approve / Reject choice', (s) => s.includes('approve this plan as') && s.includes('Reject'));
      // Approve is the first choice.
      await choose((s) => s.includes('Approved by'));
      await waitFor('the matrix and the heat map after the apply', (s) => /Heat map: \S+\.png/.test(s), 90_000);
      const after = plain(screen);
      expect(after).toContain('Predicted reachability: 6 of 6 pairs reachable');
      expect(after).toContain(`${SEED_STEPS}/${SEED_STEPS} steps`);
      expect(after).toContain('6 of 6 pairs pass, all as predicted');
      const map = /Heat map: (\S+\.png)/.exec(after)![1]!;
      expect(existsSync(join(cwd, map))).toBe(true);
      const mark = screen.length;
      await typeLine('/vpn ping ikev1test');
      await waitFor('the on-demand matrix', (s) => (s.match(/Heat map: /g) ?? []).length >= 2 && screen.length > mark);
      await typeLine('/vpn destroy ikev1test');
      await waitFor('the destroy choice', (s) => (s.match(/approve this plan as/g) ?? []).length >= 2);
      await choose((s) => (s.match(/Approved by/g) ?? []).length >= 2);
      await waitFor('the destroy done', (s) => s.includes('The destroy of ikev1test succeeded.'), 90_000);
      await typeLine('/quit');
      expect(await exited).toBe(0);
    } finally {
      term.kill();
    }
  }, 240_000);
});
