/**
 * What approvers see, through `vpnbot serve` against an emulator this test owns: every change that
 * matters for security in the plan message, per site (the on-premises peer's address, adopted ids,
 * routes and their next hop, the CIDRs tunnels carry, what is published to CEN, what the probes'
 * firewall lets in), and, for a plan too large for one message, the whole plan as a file in its
 * thread.
 */
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'plan-details-signing-secret';
const suite = serveOnEmulatorSuite(SECRET, 0.002);

async function planOf(text: string, rid: string) {
  const before = suite.slack.of('chat.postMessage').length;
  await postSigned(
    suite.url,
    SECRET,
    slashCommand(`plan ${text}`, 'U1', { responseUrl: `${suite.slack.url}/respond/${rid}` }),
  );
  return suite.slack.waitFor(
    `the plan (${rid}): ${JSON.stringify(suite.slack.responses.find((r) => r.id === rid))}`,
    () =>
      suite.slack
        .of('chat.postMessage')
        .slice(before)
        .find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')),
  );
}

describe('the plan message shows what approvers approve', () => {
  it('the peer address typed for an on-premises DC, the adopted VPC, routes, tunnels and what CEN learns', async () => {
    const vpc = await sdkClients(suite.emu).vpc.createVpc(
      new $Vpc.CreateVpcRequest({ regionId: 'ap-northeast-1', cidrBlock: '172.16.0.0/12', vpcName: 'existing' }),
    );
    const vpcId = vpc.body!.vpcId!;
    const post = await planOf(
      `corp dc:office=192.168.0.0/16;ip=203.0.113.10 hub:tokyo@ap-northeast-1=172.16.0.0/12;vpc=${vpcId} spoke:us@us-west-1=10.0.0.0/8`,
      'd-corp',
    );
    const text = JSON.stringify(post.args.blocks);
    expect(text).toContain('*tokyo* (hub, ap-northeast-1, 172.16.0.0/12)');
    expect(text).toContain('+ 2 vSwitches');
    expect(text).toContain('• IPsec peers: 203.0.113.10 (office, on premises)');
    expect(text).toContain(`• adopts (used, never changed): VPC ${vpcId}`);
    expect(text).toContain("• routes: 192.168.0.0/16 -&gt; this site's VPN gateway");
    expect(text).toContain('• tunnels: 172.16.0.0/12 &lt;-&gt; 192.168.0.0/16 with office');
    expect(text).toContain('• advertised to the transit router (every connected VPC learns it): 192.168.0.0/16');
    expect(text).toContain('• inter-region connections: ap-northeast-1 &lt;-&gt; us-west-1: ');
    expect(text).toContain('• routes: 172.16.0.0/12 -&gt; the transit router, 192.168.0.0/16 -&gt; the transit router');
    expect(text).toContain('• probe firewall allows: ');
    expect(text).toContain('• VPN gateway bandwidth: ');
  });

  it('a plan too large for one message: the whole plan is a file in its thread, never "run vpnbot plan"', async () => {
    const dcs = Array.from(
      { length: 8 },
      (_, i) => `dc:dc${i + 1}=192.168.${i}.0/24;ip=198.51.100.${i + 1};hub=tokyo`,
    ).join(' ');
    const post = await planOf(`many ${dcs} hub:tokyo@ap-northeast-1=172.16.0.0/12`, 'd-many');
    const text = JSON.stringify(post.args.blocks);
    expect(text).toMatch(/IPsec peers: 198\.51\.100\.1 \(dc1, on premises\).* and 2 more/);
    expect(text).toContain('the full plan is a file in the thread');
    const upload = await suite.slack.waitFor('the plan file', () =>
      [...suite.slack.uploads.values()].find((u) => u.completed?.thread_ts === post.ts),
    );
    expect(upload.filename).toMatch(/^many-plan-[0-9a-f]{12}\.txt$/);
    expect(upload.completed?.channel_id).toBe('C1');
    const file = upload.bytes!.toString('utf8');
    for (let i = 1; i <= 8; i++) expect(file).toContain(`198.51.100.${i}`);
    expect(file).toContain('Plan: ');
    expect(JSON.stringify(suite.slack.calls)).not.toContain('vpnbot plan` for the whole text');
  });
});
