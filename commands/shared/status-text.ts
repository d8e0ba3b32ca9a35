/** A topology's status in one line, for the terminal (CLI and console). */
import type { TopologyStatus } from '../../src/app/use-cases';

export function topologyStatusLine(topologyStatus: TopologyStatus): string {
  const counts = (['created', 'adopted', 'external'] as const)
    .map((o) => `${topologyStatus.counts[o]} ${o}`)
    .join(', ');
  const run = topologyStatus.lastRun
    ? `; last ${topologyStatus.lastRun.kind} ${topologyStatus.lastRun.id} ${topologyStatus.lastRun.status} at ${topologyStatus.lastRun.startedAt} by ${topologyStatus.lastRun.requester}`
    : '';
  const waiting = topologyStatus.waiting
    .map((w) => `; waiting for ${w.site}'s device (${w.up} of ${w.total} tunnels up)`)
    .join('');
  return `${topologyStatus.topology}: ${topologyStatus.resources.length} resources (${counts})${run}${waiting}`;
}
