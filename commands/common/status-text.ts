/** A topology's status in one line, for the terminal (CLI and console). */
import type { TopologyDetail, ResourceDetail } from '../../src/app/topology-detail';
import type { TopologyStatus } from '../../src/app/use-cases';
import type { PingMatrix } from '../../src/probe/ping-matrix';

export function topologyStatusLine(topologyStatus: TopologyStatus): string {
  const counts = (['created', 'adopted', 'external'] as const)
    .map((o) => `${topologyStatus.counts[o]} ${o}`)
    .join(', ');
  const last = topologyStatus.lastRun;
  const state = last?.interrupted ? 'interrupted (it resumes at the next start of vpnbot)' : last?.status;
  const run = last ? `; last ${last.kind} ${last.id} ${state} at ${last.startedAt} by ${last.requester}` : '';
  const waiting = topologyStatus.waiting
    .map((w) => `; waiting for ${w.site}'s device (${w.up} of ${w.total} tunnels up)`)
    .join('');
  return `${topologyStatus.topology}: ${topologyStatus.resources.length} resources (${counts})${run}${waiting}`;
}

/** Output names as an engineer says them; others are shown as `name=value`. */
const OUTPUT_WORDS: Readonly<Record<string, string>> = {
  internetIp: 'public IP',
  disasterRecoveryIp: 'second public IP',
  privateIp: 'private IP',
  ipAddress: 'IP',
  routeTableId: 'route table',
};

function stateWords(r: ResourceDetail): string {
  if (r.tunnels && r.tunnels.length > 1)
    return `tunnels ${r.tunnels.map((t) => `${t.role} ${t.id} ${t.up ? 'up' : `down (${t.status})`}`).join(', ')}`;
  if (r.state === 'ready') return r.tunnel ? 'tunnel up' : 'ready';
  if (r.state === 'pending' && r.tunnel) return `tunnel not up${r.detail ? `: ${r.detail}` : ''}`;
  if (r.state === 'gone') return 'GONE from the cloud';
  return `${r.state}${r.detail ? `: ${r.detail}` : ''}`;
}

/**
 * One topology in detail, by site: each resource's kind, what it is (a connection's CIDR pair), its
 * id, its state now (a tunnel up or not, and why) and what the cloud reports (public IPs); then the
 * last ping matrix. `renderMatrix` draws the matrix (the console and the CLI share the table).
 */
export function topologyDetailText(d: TopologyDetail, renderMatrix: (m: PingMatrix) => string): string {
  const lines: string[] = [];
  let site: string | null | undefined;
  for (const r of d.resources) {
    if (r.site !== site) {
      site = r.site;
      lines.push(`  ${site ?? 'shared'}`);
    }
    const outputs = Object.entries(r.outputs)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => (OUTPUT_WORDS[k] ? `${OUTPUT_WORDS[k]} ${v}` : `${k}=${v}`));
    lines.push(
      `    ${r.origin === 'created' ? '+' : '='} ${r.kind.padEnd(20)} ${r.what}: ${r.id}, ${stateWords(r)}${outputs.length ? `; ${outputs.join(', ')}` : ''}`,
    );
  }
  if (d.lastMatrix) lines.push('', renderMatrix(d.lastMatrix));
  else lines.push('', 'No ping matrix measured yet.');
  return lines.join('\n');
}
