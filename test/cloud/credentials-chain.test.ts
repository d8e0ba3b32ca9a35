import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlibabaCloud } from '../../src/cloud/alibaba/alibaba-cloud';
import { startEmulator } from '../../src/emulator/server/start-emulator';

describe("credentials through @alicloud/credentials' default chain", () => {
  it('with no keys passed, a credentials profile file signs the calls', async () => {
    const emu = await startEmulator({ timeScale: 0.001 });
    const dir = mkdtempSync(join(tmpdir(), 'vpnbot-cred-'));
    const file = join(dir, 'credentials.ini');
    writeFileSync(
      file,
      `[default]\ntype = access_key\naccess_key_id = ${emu.accessKeyId}\naccess_key_secret = ${emu.accessKeySecret}\n`,
      { mode: 0o600 },
    );
    const saved = { ...process.env };
    // The chain reads the process environment itself: set it for this test only.
    delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    process.env.ALIBABA_CLOUD_CREDENTIALS_FILE = file;
    try {
      const cloud = createAlibabaCloud({ sandbox: false, endpoint: emu.endpoint });
      const id = await cloud.drivers.vpc.create({
        region: 'us-west-1',
        params: { name: 'x', cidrBlock: '10.0.0.0/8', secondaryCidrBlocks: [] },
        tags: {},
        clientToken: 't',
        marker: 'm',
      });
      expect(id).toMatch(/^vpc-/);
    } finally {
      process.env = saved;
      await emu.close();
    }
  });
});
