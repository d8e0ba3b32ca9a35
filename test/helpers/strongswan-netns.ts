/**
 * Two real strongSwan daemons (charon) in two network namespaces this test creates, joined by veth
 * links, negotiating IKE with the configurations a test gives them. The kernel here has no ESP, so
 * charon carries traffic in userspace (kernel-libipsec, a TUN device); each charon gets a private
 * /run and reads its config at the default paths (/etc/netns/NS/... bind-mounted by `ip netns exec`).
 * No default route exists in either namespace: nothing leaves them.
 * Recipe and pitfalls: shared/reference/strongswan-namespaces.md.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CHARON = '/usr/lib/ipsec/charon';
/** The userspace ESP this kernel needs (libcharon-extra-plugins). */
const LIBIPSEC = '/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so';

/** Self-contained: Debian's strongswan.d disables kernel-libipsec, which must come before kernel-netlink. */
const STRONGSWAN_CONF = `charon {
  load = random nonce openssl aes sha1 sha2 hmac kdf pem pkcs1 x509 pubkey gmp socket-default kernel-libipsec kernel-netlink vici
  filelog {
    log { path = /run/charon.log
          time_format = %T
          default = 1
          ike = 2
          knl = 2 }
  }
  syslog { daemon { default = -1 } }
}
swanctl { load = random openssl pem pkcs1 x509 pubkey }
`;

/** The same check, synchronous: for choosing `describe` or `describe.skip` when the file loads. */
export function strongswanUnavailableSync(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root';
  for (const bin of [CHARON, '/usr/sbin/swanctl', LIBIPSEC])
    if (!existsSync(bin))
      return `${bin} is not installed (apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins)`;
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun for kernel-libipsec';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'the ip command cannot list network namespaces';
  return undefined;
}

/** Why real IKE cannot run here, or undefined when it can (root, charon, swanctl, ip, a TUN device). */
export async function strongswanUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root';
  for (const bin of [CHARON, '/usr/sbin/swanctl', LIBIPSEC])
    if (!existsSync(bin))
      return `${bin} is not installed (apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins)`;
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun for kernel-libipsec';
  try {
    await run('ip', ['netns', 'list']);
  } catch {
    return 'the ip command cannot list network namespaces';
  }
  return undefined;
}

export interface SideSpec {
  /** swanctl.conf for this side's charon. */
  readonly swanctl: string;
  /** Addresses of the side's inside network (its gateway's own addresses on `in0`), e.g. 192.168.0.1/16. */
  readonly inside: readonly string[];
}

export interface LinkSpec {
  /**
   * The two ends' addresses, e.g. 198.18.0.1/30 and 198.18.0.2/30; several per end where one link
   * carries several public addresses (a gateway's two, as /32s). Each end gets a host route to the
   * other's addresses over the link.
   */
  readonly a: string | readonly string[];
  readonly b: string | readonly string[];
}

export type Side = 'a' | 'b';

export interface IkePair {
  readonly namespaces: Readonly<Record<Side, string>>;
  /** swanctl inside a side's charon (its mount and network namespace). */
  swanctl(side: Side, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** A command in a side's network namespace; never throws, answers the exit code and output. */
  exec(side: Side, command: readonly string[], timeoutMs?: number): Promise<{ code: number; out: string }>;
  /** The side's charon log so far. */
  log(side: Side): Promise<string>;
  /** Takes a public link's end down (link index from 0), as a failed uplink would. */
  linkDown(side: Side, link: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the namespaces, links and inside addresses, writes each side's configuration, starts both
 * charons and loads their configurations. Public link n is `vA{n+1}` in A and `vB{n+1}` in B.
 */
export async function startIkePair(a: SideSpec, b: SideSpec, links: readonly LinkSpec[]): Promise<IkePair> {
  const suffix = randomBytes(3).toString('hex');
  const ns: Record<Side, string> = { a: `vpnA-${suffix}`, b: `vpnB-${suffix}` };
  const daemons: ChildProcess[] = [];
  const ip = (...args: string[]) => run('ip', args);
  const cleanup = async () => {
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(daemons.map((d) => (d.exitCode === null ? new Promise((r) => d.once('exit', r)) : undefined)));
    for (const n of Object.values(ns)) {
      await ip('netns', 'del', n).catch(() => undefined);
      rmSync(`/etc/netns/${n}`, { recursive: true, force: true });
    }
  };
  try {
    for (const n of Object.values(ns)) {
      await ip('netns', 'add', n);
      await ip('-n', n, 'link', 'set', 'lo', 'up');
    }
    const list = (v: string | readonly string[]) => (typeof v === 'string' ? [v] : [...v]);
    for (const [i, link] of links.entries()) {
      const [la, lb] = [`vA${i + 1}`, `vB${i + 1}`];
      await ip('link', 'add', la, 'netns', ns.a, 'type', 'veth', 'peer', 'name', lb, 'netns', ns.b);
      for (const addr of list(link.a)) await ip('-n', ns.a, 'addr', 'add', addr, 'dev', la);
      for (const addr of list(link.b)) await ip('-n', ns.b, 'addr', 'add', addr, 'dev', lb);
      await ip('-n', ns.a, 'link', 'set', la, 'up');
      await ip('-n', ns.b, 'link', 'set', lb, 'up');
      // Each end reaches the other's addresses over this link (a /32 has no connected route).
      for (const addr of list(link.b)) await ip('-n', ns.a, 'route', 'replace', `${addr.split('/')[0]}/32`, 'dev', la);
      for (const addr of list(link.a)) await ip('-n', ns.b, 'route', 'replace', `${addr.split('/')[0]}/32`, 'dev', lb);
    }
    for (const [side, spec] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const n = ns[side];
      // This kernel has no dummy interfaces: a bridge without ports holds the inside addresses.
      await ip('-n', n, 'link', 'add', 'in0', 'type', 'dummy').catch(() =>
        ip('-n', n, 'link', 'add', 'in0', 'type', 'bridge'),
      );
      await ip('-n', n, 'link', 'set', 'in0', 'up');
      for (const addr of spec.inside) await ip('-n', n, 'addr', 'add', addr, 'dev', 'in0');
      const dir = `/etc/netns/${n}`;
      for (const sub of ['x509', 'x509ca', 'private', 'rsa', 'ecdsa', 'pkcs8', 'pkcs12'])
        mkdirSync(join(dir, 'swanctl', sub), { recursive: true });
      writeFileSync(join(dir, 'strongswan.conf'), STRONGSWAN_CONF);
      writeFileSync(join(dir, 'swanctl', 'swanctl.conf'), spec.swanctl, { mode: 0o600 });
      // A private /run per charon: it hard-codes its pid file and vici socket there.
      const daemon = spawn(
        'ip',
        ['netns', 'exec', n, 'sh', '-c', `mount -t tmpfs -o mode=0755 tmpfs /run && exec ${CHARON}`],
        { stdio: 'ignore' },
      );
      daemons.push(daemon);
    }
    const pid = (side: Side) => String(daemons[side === 'a' ? 0 : 1]!.pid);
    for (const side of ['a', 'b'] as const) {
      const socket = `/proc/${pid(side)}/root/run/charon.vici`;
      for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 25));
      if (!existsSync(socket)) throw new Error(`charon in ${ns[side]} did not open its vici socket`);
    }
    const swanctl = async (side: Side, args: readonly string[], timeoutMs = 30_000) => {
      const r = await run('nsenter', ['-t', pid(side), '-m', '-n', 'swanctl', ...args], { timeout: timeoutMs });
      return r.stdout;
    };
    await swanctl('b', ['--load-all', '--noprompt']);
    await swanctl('a', ['--load-all', '--noprompt']);
    return {
      namespaces: ns,
      swanctl,
      async exec(side, command, timeoutMs = 30_000) {
        try {
          const r = await run('ip', ['netns', 'exec', ns[side], ...command], { timeout: timeoutMs });
          return { code: 0, out: r.stdout + r.stderr };
        } catch (e) {
          const x = e as { code?: number; stdout?: string; stderr?: string };
          return { code: typeof x.code === 'number' ? x.code : 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
        }
      },
      async log(side) {
        const r = await run('cat', [`/proc/${pid(side)}/root/run/charon.log`]).catch(() => ({ stdout: '' }));
        return r.stdout;
      },
      async linkDown(side, link) {
        await ip('-n', ns[side], 'link', 'set', `v${side === 'a' ? 'A' : 'B'}${link + 1}`, 'down');
      },
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
