/**
 * The ids Slack sends back to the app: buttons' action ids and forms' callback ids. Namespaced by
 * what they act on (`plan.*`, `run.*`); a test checks that each has its listener.
 */
export const ACTION_APPROVE = 'plan.approve';
export const ACTION_REJECT = 'plan.reject';
export const ACTION_RETRY = 'run.retry';
export const ACTION_ROLLBACK = 'run.rollback';
export const ACTION_KEEP = 'run.keep';

/** Every button vpnbot puts on a message. */
export const ACTION_IDS = [ACTION_APPROVE, ACTION_REJECT, ACTION_RETRY, ACTION_ROLLBACK, ACTION_KEEP] as const;

/** The plan form (`/vpn plan` alone) and the reject form (why?). */
export const PLAN_VIEW = 'plan.submit';
export const REJECT_VIEW = 'plan.reject.submit';
