/** The bring-up of an on-premises device as plain text, for the terminal (console, CLI). */
import type { DeviceWait } from '../../src/app/app-store';
import type { DeviceWaitUpdate } from '../../src/app/device-bring-up';

export function checklistText(wait: DeviceWait): string {
  const up = wait.tunnels.filter((t) => t.up).length;
  const done = up === wait.tunnels.length && up > 0;
  return [
    `${done ? `${wait.site}'s device is up` : `Waiting for ${wait.site}'s device`} (${wait.deviceAddress}): ${up} of ${wait.tunnels.length} tunnels up`,
    ...wait.tunnels.map(
      (t) =>
        `  [${t.up ? 'x' : ' '}] ${t.connection} ${t.role === 'master' ? 'master' : 'backup'} tunnel -> ${t.cloudAddress}${t.up ? '' : ` (${t.status})`}`,
    ),
  ].join('\n');
}

/** What one check found: the tunnels ticked, the diagnoses, the end of the wait. */
export function updateText(u: DeviceWaitUpdate): string {
  return [
    ...u.ticked.map((t) => `${u.wait.site}: ${t.connection} ${t.role === 'master' ? 'master' : 'backup'} tunnel is up`),
    // Both connections' master tunnels down for one reason: said once, with how many.
    ...[...new Map(u.diagnoses.map((d) => [d.diagnosis.words, d])).values()].map((d) => {
      const n = u.diagnoses.filter((x) => x.diagnosis.words === d.diagnosis.words).length;
      return `${u.wait.site}: ${d.diagnosis.words}${n > 1 ? ` (${n} tunnels)` : ''} (the cloud reports: ${d.diagnosis.reported})`;
    }),
    checklistText(u.wait),
    ...(u.complete
      ? [`${u.wait.site}'s device is up: all ${u.wait.tunnels.length} tunnels of ${u.wait.topology}.`]
      : []),
  ].join('\n');
}
