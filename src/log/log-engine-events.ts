import type { Logger } from 'pino';
import type { EngineEvent, EngineListener } from '../engine/engine-events';

/** Engine events into the log: failures at warn, run boundaries at info, the rest at debug. */
export function logEngineEvents(logger: Logger): EngineListener {
  return (e: EngineEvent) => {
    if (e.type === 'step-failed') logger.warn(e, `step ${e.stepId} failed: ${e.code}`);
    else if (e.type === 'run-started' || e.type === 'run-finished') logger.info(e, e.type);
    else logger.debug(e, e.type);
  };
}
