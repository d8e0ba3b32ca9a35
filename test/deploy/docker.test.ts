/**
 * The Docker image builds and answers /healthz. Needs a Docker engine: where none runs (this
 * workplace's machines have only the client), the test says it was skipped and why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeSlack } from '../fakes/fake-slack';

const ROOT = join(__dirname, '..', '..');
const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
const dockerRuns = engine.status === 0 && engine.stdout.trim() !== '';
if (!dockerRuns)
  console.warn(
    `docker.test: SKIPPED, no Docker engine here (${(engine.stderr || engine.error?.message || 'docker not found').trim().split('\n')[0]}); the image was not built`,
  );

(dockerRuns ? describe : describe.skip)('the Docker image', () => {
  it(
    'builds, runs as a non-root user with the database on /data, and answers /healthz',
    async () => {
      const tag = `vpnbot-test:${Date.now()}`;
      execFileSync('docker', ['build', '-t', tag, ROOT], { stdio: 'inherit', timeout: 15 * 60_000 });
      const slack = await new FakeSlack().start();
      const name = `vpnbot-test-${Date.now()}`;
      try {
        execFileSync('docker', [
          'run',
          '-d',
          '--name',
          name,
          '--network',
          'host',
          '-e',
          'PORT=38123',
          '-e',
          'SLACK_BOT_TOKEN=xoxb-test',
          '-e',
          'SLACK_SIGNING_SECRET=docker-test',
          '-e',
          'VPNBOT_ANYONE_MAY_APPROVE=true',
          '-e',
          `SLACK_API_URL=${slack.url}/api/`,
          tag,
        ]);
        expect(execFileSync('docker', ['exec', name, 'id', '-u'], { encoding: 'utf8' }).trim()).not.toBe('0');
        let body: { ok?: boolean } = {};
        for (let i = 0; i < 60 && !body.ok; i++) {
          await new Promise((r) => setTimeout(r, 1000));
          body = await fetch('http://127.0.0.1:38123/healthz').then(
            (r) => r.json() as Promise<{ ok?: boolean }>,
            () => ({}),
          );
        }
        expect(body).toMatchObject({ ok: true, database: 'open', cloud: 'sandbox' });
        expect(execFileSync('docker', ['exec', name, 'ls', '/data'], { encoding: 'utf8' })).toContain('vpnbot.db');
      } finally {
        spawnSync('docker', ['rm', '-f', name]);
        spawnSync('docker', ['rmi', '-f', tag]);
        await slack.stop();
      }
    },
    20 * 60_000,
  );
});
