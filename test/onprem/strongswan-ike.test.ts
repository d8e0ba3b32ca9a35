/**
 * The strongSwan file vpnbot writes for a data centre's device, negotiated by a real IKE
 * implementation: a charon in one network namespace plays the device with that file as it is
 * delivered; a second charon in another plays the cloud's VPN gateway, configured by this test (not
 * by vpnbot's renderers) from what the emulator's DescribeVpnConnection and
 * DownloadVpnConnectionConfig return. IKEv1 main mode must install every CIDR pair's CHILD_SA on
 * both tunnels (master and backup), a ping between the inside networks must pass through them, and
 * with the master tunnel ended on both sides the traffic must move to the backup. Traffic stays in
 * the two namespaces the test creates (no default route in either).
 *
 * Needs root, strongSwan (charon, swanctl, kernel-libipsec) and a TUN device: where any is missing
 * the test says it is skipped and why (.ci/run installs the packages).
 */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { deviceConfiguration } from '../../src/app/device-config';
import { runToEnd } from '../../src/app/run-to-end';
import { decidePlan, proposeTopology } from '../../src/app/use-cases';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { servicesOf, startHarness, type Harness } from '../helpers/engine-harness';
import { startIkePair, strongswanUnavailableSync, type IkePair, type Side } from '../helpers/strongswan-netns';
import { ONPREM_YAML } from '../helpers/topologies';

const unavailable = strongswanUnavailableSync();
if (unavailable)
  console.warn(`strongswan-ike.test: SKIPPED, real IKE cannot run here: ${unavailable}; no negotiation was tested`);

const DEVICE = '203.0.113.10';

/** The cloud's algorithm names in strongSwan's, written here apart from vpnbot's own table. */
const SWAN: Record<string, string> = {
  aes: 'aes128',
  aes192: 'aes192',
  aes256: 'aes256',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  group2: 'modp1024',
  group5: 'modp1536',
  group14: 'modp2048',
};

interface CloudTunnel {
  role: string;
  gatewayIp: string;
  deviceIp: string;
  localId: string;
  remoteId: string;
  psk: string;
  ike: string;
  esp: string;
  local: string;
  remote: string;
  connection: string;
}

/** The cloud side of every tunnel to the device, as the emulator answers for it through the official SDK. */
async function cloudTunnels(h: Harness): Promise<CloudTunnel[]> {
  const vpc = sdkClients(h.emu).vpc;
  const out: CloudTunnel[] = [];
  for (const r of h.store.resources('hybrid').filter((x) => x.kind === 'ipsec-connection')) {
    const c = (
      await vpc.describeVpnConnection(
        new $Vpc.DescribeVpnConnectionRequest({ regionId: r.region, vpnConnectionId: r.cloudId }),
      )
    ).body!;
    const download = (
      await vpc.downloadVpnConnectionConfig(
        new $Vpc.DownloadVpnConnectionConfigRequest({ regionId: r.region, vpnConnectionId: r.cloudId }),
      )
    ).body!.vpnConnectionConfig!;
    for (const t of c.tunnelOptionsSpecification!.tunnelOptions!) {
      const peer = download.tunnelsConfig!.tunnelConfig!.find((x) => x.tunnelId === t.tunnelId)!;
      const ike = t.tunnelIkeConfig!;
      const ipsec = t.tunnelIpsecConfig!;
      out.push({
        role: t.role!,
        gatewayIp: peer.remote!,
        deviceIp: peer.local!,
        localId: ike.localId!,
        remoteId: ike.remoteId!,
        psk: ike.psk!,
        ike: `${SWAN[ike.ikeEncAlg!]}-${SWAN[ike.ikeAuthAlg!]}-${SWAN[ike.ikePfs!]}`,
        esp: `${SWAN[ipsec.ipsecEncAlg!]}-${SWAN[ipsec.ipsecAuthAlg!]}${ipsec.ipsecPfs === 'disabled' ? '' : `-${SWAN[ipsec.ipsecPfs!]}`}`,
        local: c.localSubnet!,
        remote: c.remoteSubnet!,
        connection: c.name!,
      });
    }
  }
  return out;
}

/** The cloud gateway as a strongSwan responder: one IKE connection per gateway address, a child per connection. */
function cloudSwanctl(tunnels: readonly CloudTunnel[]): string {
  const byIp = new Map<string, CloudTunnel[]>();
  for (const t of tunnels) byIp.set(t.gatewayIp, [...(byIp.get(t.gatewayIp) ?? []), t]);
  const conns = [...byIp.values()].map((ts) => {
    const t = ts[0]!;
    return `  cloud-${t.role} {
    version = 1
    aggressive = no
    local_addrs = ${t.gatewayIp}
    remote_addrs = ${t.deviceIp}
    proposals = ${t.ike}
    rekey_time = 86400s
    reauth_time = 0
    dpd_delay = 30s
    local { auth = psk
            id = ${t.localId} }
    remote { auth = psk
             id = ${t.remoteId} }
    children {
${ts
  .map(
    (x, i) => `      cloud-${x.role}-${i + 1} { local_ts = ${x.local}
                    remote_ts = ${x.remote}
                    esp_proposals = ${x.esp}
                    life_time = 86400s }`,
  )
  .join('\n')}
    }
  }`;
  });
  const secrets = [...byIp.values()].map(
    (ts) => `  ike-${ts[0]!.role} { id-a = ${ts[0]!.localId}
               id-b = ${ts[0]!.remoteId}
               secret = "${ts[0]!.psk}" }`,
  );
  return `connections {\n${conns.join('\n')}\n}\nsecrets {\n${secrets.join('\n')}\n}\n`;
}

/** Each CHILD_SA swanctl lists: its name, state, and the bytes it carried in and out. */
function childSas(listed: string): Map<string, { state: string; bytesIn: number; bytesOut: number }> {
  const out = new Map<string, { state: string; bytesIn: number; bytesOut: number }>();
  let current: string | undefined;
  for (const line of listed.split('\n')) {
    const child = /^\s{2}(\S+): #\d+, reqid \d+, (\w+)/.exec(line);
    if (child) {
      current = child[1]!;
      out.set(current, { state: child[2]!, bytesIn: 0, bytesOut: 0 });
      continue;
    }
    const bytes = /^\s+(in|out)\s+\S+,\s+(\d+) bytes/.exec(line);
    if (bytes && current) {
      const c = out.get(current)!;
      if (bytes[1] === 'in') c.bytesIn = Number(bytes[2]);
      else c.bytesOut = Number(bytes[2]);
    }
  }
  return out;
}

(unavailable ? describe.skip : describe)('the strongSwan file, negotiated by real strongSwan (IKEv1)', () => {
  let h: Harness;
  let pair: IkePair | undefined;
  afterAll(async () => {
    await pair?.close();
    await h?.close();
  });

  it('installs every CIDR pair on both tunnels, carries a ping through them, and fails over to the backup', async () => {
    h = await startHarness();
    const s: AppServices = servicesOf(h);
    const policy = { ...DEFAULT_APPROVAL_POLICY, allowSelfApproval: true };
    const p = await proposeTopology(
      s,
      { text: ONPREM_YAML, form: 'yaml' },
      { ipsecConnectionQuota: 10 },
      { requester: 'U1', now: Date.now(), policy },
    );
    if (!p.ok) throw new Error(JSON.stringify(p));
    const d = await decidePlan(s, {
      planId: p.proposal.record.id,
      actor: 'U1',
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    if (!d.ok) throw new Error(d.reason);
    expect((await runToEnd(s, d.record)).waitingFor).toHaveLength(1);

    // The device's file, as its owner receives it; the cloud side, from the emulator's answers.
    const file = await deviceConfiguration(s, {
      topology: 'hybrid',
      site: 'dc1',
      vendor: 'strongswan',
      actor: 'UOWNER1',
      to: 'the strongSwan test',
      now: new Date(),
      keys: 'always',
    });
    if (!file.ok) throw new Error(file.refusal);
    const tunnels = await cloudTunnels(h);
    expect(tunnels.map((t) => t.deviceIp)).toEqual([DEVICE, DEVICE, DEVICE, DEVICE]);
    const gatewayIps = [...new Set(tunnels.map((t) => t.gatewayIp))];
    expect(gatewayIps).toHaveLength(2);

    // One link between the device and the gateway's two addresses; the inside networks on each side.
    pair = await startIkePair(
      { swanctl: file.text, inside: ['192.168.0.1/16'] },
      { swanctl: cloudSwanctl(tunnels), inside: ['172.16.0.1/12', '10.0.0.1/8'] },
      [{ a: [`${DEVICE}/32`], b: gatewayIps.map((ip) => `${ip}/32`) }],
    );
    const ike = pair;
    const sas = async (side: Side) => childSas(await ike.swanctl(side, ['--list-sas']));
    // The device initiates on load (start_action = start): wait until all four children are installed.
    const want = ['hub-master-1', 'hub-master-2', 'hub-backup-1', 'hub-backup-2'];
    const deadline = Date.now() + 60_000;
    let installed = await sas('a');
    while (!want.every((c) => installed.get(c)?.state === 'INSTALLED')) {
      if (Date.now() > deadline)
        throw new Error(`not all CHILD_SAs installed: ${JSON.stringify([...installed])}\n${await ike.log('a')}`);
      await new Promise((r) => setTimeout(r, 200));
      installed = await sas('a');
    }
    const cloud = await sas('b');
    expect([...cloud.values()].filter((c) => c.state === 'INSTALLED')).toHaveLength(4);

    const ping = (to: string) => ike.exec('a', ['ping', '-c', '3', '-W', '2', '-I', '192.168.0.1', to]);
    for (const to of ['172.16.0.1', '10.0.0.1']) {
      const r = await ping(to);
      expect({ to, code: r.code, out: r.out }).toEqual({ to, code: 0, out: expect.stringContaining('3 received') });
    }
    const carried = [...(await sas('a')).values()].reduce((n, c) => n + c.bytesOut, 0);
    expect(carried).toBeGreaterThan(0);

    /** Ends an IKE SA on both sides: the device's delete usually reaches the cloud; where it has not, the cloud ends its own. */
    const end = async (device: string, gateway: string) => {
      await ike.swanctl('a', ['--terminate', '--ike', device, '--timeout', '10']);
      if ([...(await sas('b')).keys()].some((k) => k.startsWith(gateway)))
        await ike.swanctl('b', ['--terminate', '--ike', gateway, '--timeout', '10']);
      expect([...(await sas('a')).keys()].filter((k) => k.startsWith(device))).toEqual([]);
      expect([...(await sas('b')).keys()].filter((k) => k.startsWith(gateway))).toEqual([]);
    };
    // The master ended on both sides (as dead peer detection would): the backup carries the traffic.
    await end('hub-master', 'cloud-master');
    const before = await sas('a');
    for (const to of ['172.16.0.1', '10.0.0.1']) {
      const r = await ping(to);
      expect({ to, code: r.code, out: r.out }).toEqual({ to, code: 0, out: expect.stringContaining('3 received') });
    }
    const after = await sas('a');
    for (const c of ['hub-backup-1', 'hub-backup-2'])
      expect({ c, more: after.get(c)!.bytesOut > before.get(c)!.bytesOut }).toEqual({ c, more: true });

    // With the backup ended too, nothing passes: the pings above went through the tunnels.
    await end('hub-backup', 'cloud-slave');
    expect((await ping('172.16.0.1')).code).not.toBe(0);
  }, 180_000);
});
