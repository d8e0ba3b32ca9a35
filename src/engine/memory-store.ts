/** An EngineStore in memory: for benchmarks and unit tests, where durability is not the point. */
import type { EngineStore, ResourceRecord, RunRecord, StepRecord } from './engine-store';

export function createMemoryStore(): EngineStore {
  const runs = new Map<string, RunRecord>();
  const steps = new Map<string, StepRecord>();
  const resources = new Map<string, ResourceRecord & { deleted?: boolean }>();
  const secrets = new Map<string, string>();
  const key = (a: string, b: string) => `${a}\n${b}`;
  const update = (runId: string, stepId: string, patch: Partial<StepRecord>) => {
    const k = key(runId, stepId);
    steps.set(k, { ...(steps.get(k) ?? { runId, stepId, status: 'pending', attempts: 0 }), ...patch });
  };
  return {
    claimRun: (run) => {
      const holder = [...runs.values()].find((r) => r.topology === run.topology && r.status === 'running');
      if (holder) return { ok: false, holder };
      runs.set(run.id, { ...run, status: 'running' });
      for (const s of run.plan.steps) update(run.id, s.id, {});
      return { ok: true };
    },
    adoptRun: (runId, owner, now, leaseUntil, deadOwner) => {
      const r = runs.get(runId);
      if (r?.status !== 'running' || (r.leaseUntil > now && (deadOwner === undefined || r.owner !== deadOwner)))
        return false;
      runs.set(runId, { ...r, owner, leaseUntil });
      return true;
    },
    renewLease: (runId, owner, leaseUntil) => {
      const r = runs.get(runId);
      if (r && r.owner === owner && r.status === 'running') runs.set(runId, { ...r, leaseUntil });
    },
    finishRun: (id, status, at) => void runs.set(id, { ...runs.get(id)!, status, finishedAt: at }),
    run: (id) => runs.get(id),
    unfinishedRuns: () => [...runs.values()].filter((r) => r.status === 'running'),
    step: (runId, stepId) => steps.get(key(runId, stepId)),
    stepStarted: (runId, stepId) =>
      update(runId, stepId, { status: 'running', attempts: (steps.get(key(runId, stepId))?.attempts ?? 0) + 1 }),
    stepCloudId: (runId, stepId, cloudId) => update(runId, stepId, { cloudId }),
    stepFinished: (runId, stepId, status, _at, error) =>
      update(runId, stepId, {
        status,
        ...(error
          ? {
              errorCode: error.code,
              errorMessage: error.message,
              ...(error.requestId ? { requestId: error.requestId } : {}),
            }
          : {}),
      }),
    putResource: (r) => void resources.set(key(r.topology, r.stepId), r),
    resourceDeleted: (topology, stepId) => {
      const r = resources.get(key(topology, stepId));
      if (r) resources.set(key(topology, stepId), { ...r, deleted: true });
    },
    resources: (topology) => [...resources.values()].filter((r) => r.topology === topology && !r.deleted),
    secret: (topology, name) => secrets.get(key(topology, name)),
    putSecret: (topology, name, value) => {
      if (!secrets.has(key(topology, name))) secrets.set(key(topology, name), value);
    },
  };
}
