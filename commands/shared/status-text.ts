/** A topology's status in one line, for the terminal (CLI and console). */
import type { TopologyStatus } from '../../src/app/use-cases';

export function topologyStatusLine(t: TopologyStatus): string {
  const counts = (['created', 'adopted', 'external'] as const).map((o) => `${t.counts[o]} ${o}`).join(', ');
  const run = t.lastRun ? `; last ${t.lastRun.kind} ${t.lastRun.id} ${t.lastRun.status} at ${t.lastRun.startedAt} by ${t.lastRun.requester}` : '';
  return `${t.topology}: ${t.resources.length} resources (${counts})${run}`;
}
