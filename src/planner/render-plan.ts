/**
 * A plan as text, like `terraform plan`: one line per step grouped by site, the inter-region
 * bandwidth in one line when the plan has inter-region connections, then a summary line.
 */
import { describeBandwidth } from '../topology/inter-region-bandwidth';
import type { Topology } from '../topology/model';
import { hasChanges, STEP_KINDS, type Action, type Plan, type Step } from './plan';
import { describeStep } from './step-catalogue';

const SYMBOL: Record<Action, string> = { create: '+', adopt: '=', keep: '=', delete: '-' };

function line(s: Step, kindWidth: number): string {
  const tail =
    s.action === 'adopt'
      ? `  (adopt ${s.cloudId})`
      : s.action === 'keep'
        ? `  (${s.external ? 'existing, left as is' : 'no change'}: ${s.cloudId})`
        : s.action === 'delete'
          ? `  (${s.cloudId})`
          : '';
  const what = s.action === 'delete' ? s.id : describeStep(s);
  return `  ${SYMBOL[s.action]} ${s.kind.padEnd(kindWidth)} ${what}${tail}`;
}

export function summaryLine(plan: Plan): string {
  const { create, adopt, keep, delete: del } = plan.summary;
  return `Plan: ${create} to create, ${adopt} to adopt, ${keep} to keep, ${del} to delete.`;
}

/**
 * The plan's IPsec in one sentence: "IPsec: 4 connections, 2 tunnels each." Connections on a
 * gateway bought before the dual-tunnel upgrade, and those whose slave has no partner (the peer has
 * one address), are counted apart. Undefined when the plan has no connection.
 */
export function tunnelSentence(plan: Plan): string | undefined {
  const connections = plan.steps.filter(
    (s): s is Extract<Step, { kind: 'ipsec-connection'; action: 'create' | 'adopt' | 'keep' }> =>
      s.kind === 'ipsec-connection' && s.action !== 'delete',
  );
  if (connections.length === 0) return undefined;
  const n = (x: number, one: string, many = `${one}s`) => `${x} ${x === 1 ? one : many}`;
  const standby = connections.filter((c) => c.params.tunnels === 'dual' && c.params.standby).length;
  const alone = connections.filter((c) => c.params.tunnels === 'dual' && !c.params.standby).length;
  const single = connections.length - standby - alone;
  const total = n(connections.length, 'connection');
  if (standby === connections.length) return `IPsec: ${total}, 2 tunnels each.`;
  const parts = [
    ...(standby ? [`${standby} with 2 tunnels each`] : []),
    ...(alone ? [`${alone} with 2 tunnels whose slave has no partner (the peer gateway has one address)`] : []),
    ...(single ? [`${single} single-tunnel (on a gateway bought before the dual-tunnel upgrade)`] : []),
  ];
  return `IPsec: ${total}: ${parts.join(', ')}.`;
}

export function renderPlan(plan: Plan, topology?: Topology): string {
  // Linear in the steps: no spreading of step lists into calls (a 400-site plan has 100k+ steps).
  const width = plan.steps.reduce((w, s) => Math.max(w, s.kind.length), 3);
  const groups = new Map<string, Step[]>();
  for (const s of plan.steps) {
    const key = s.site ?? '';
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const siteByName = new Map((topology?.sites ?? []).map((x) => [x.name, x]));
  const header = (key: string): string => {
    if (key === '') return '# shared';
    const site = siteByName.get(key);
    if (!site) return `# ${key}`;
    const where = site.onPremises ? `on premises, ${site.onPremises.publicIp}` : site.region;
    return `# ${site.name} (${site.role}, ${where}, ${site.cidrs.join(', ')})`;
  };
  const out = [`vpnbot plan for topology "${plan.topology}" (IKE${plan.ike}) - hash ${plan.hash.slice(0, 12)}`, ''];
  const order = new Set(topology ? [...topology.sites.map((s) => s.name), ''] : []);
  for (const key of groups.keys()) order.add(key);
  const rank = new Map(STEP_KINDS.map((k, i) => [k, i]));
  for (const key of order) {
    const steps = groups.get(key);
    if (!steps) continue;
    const sorted = [...steps].sort((a, b) => rank.get(a.kind)! - rank.get(b.kind)!);
    out.push(`  ${header(key)}`);
    for (const s of sorted) out.push(line(s, width));
    out.push('');
  }
  const tunnels = tunnelSentence(plan);
  if (tunnels) out.push(tunnels);
  const peers = plan.steps.filter(
    (s): s is Extract<Step, { kind: 'tr-peer-attachment'; action: 'create' | 'adopt' | 'keep' }> =>
      s.kind === 'tr-peer-attachment' && s.action !== 'delete',
  );
  if (peers[0]) {
    const n = peers.length;
    out.push(
      `Inter-region bandwidth: ${describeBandwidth(peers[0].params.bandwidth)} (${n} connection${n === 1 ? '' : 's'} between transit routers).`,
      '',
    );
  }
  out.push(
    hasChanges(plan)
      ? summaryLine(plan)
      : `No changes. ${summaryLine(plan)} The cloud matches topology "${plan.topology}".`,
  );
  return out.join('\n');
}
