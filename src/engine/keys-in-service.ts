/**
 * A pair of addresses whose tunnel is already in service keeps its key. IKEv1 main mode picks the
 * key by the peer's address, so a connection added between two gateways that already hold a
 * connection (one adopted, or found in place) must be created with that connection's key, not a
 * new one, or the new tunnel stays down. Before a run creates such a connection, the key is read
 * from the connection in service (its peer configuration) and stored under the pair's name, where
 * the create finds it. Keys vpnbot already stores are left as they are.
 */
import type { CloudApi } from '../cloud/cloud-api';
import type { Plan } from '../planner/plan';
import { secretNamesOf } from '../planner/step-catalogue';
import type { EngineStore } from './engine-store';
import { retryCloudCall, type Pacing } from './retry-policy';

export async function keepKeysInService(
  plan: Plan,
  cloud: CloudApi,
  store: EngineStore,
  pacing: Pacing,
): Promise<void> {
  const needed = new Set(plan.steps.flatMap((s) => (s.action === 'create' ? secretNamesOf(s).map((n) => n.name) : [])));
  for (const s of plan.steps) {
    if (s.kind !== 'ipsec-connection' || (s.action !== 'keep' && s.action !== 'adopt') || !s.cloudId) continue;
    for (const { tunnel, name } of secretNamesOf(s)) {
      if (!needed.has(name) || store.secret(plan.topology, name) !== undefined) continue;
      const peer = await retryCloudCall(() => cloud.ipsec.peerConfiguration(s.region, s.cloudId!), pacing, {
        maxAttempts: 5,
      });
      const key = peer?.tunnels.find((t) => t.role === tunnel)?.psk;
      if (key) store.putSecret(plan.topology, name, key);
    }
  }
}
