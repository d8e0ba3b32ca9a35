/** The modal forms: the plan form (`/vpn plan` alone) and the reject form (why?). */
import { PLAN_VIEW, REJECT_VIEW } from './slack-ids';

interface TextFormOptions {
  readonly callbackId: string;
  readonly meta: string;
  readonly title: string;
  readonly submit: string;
  readonly blockId: string;
  readonly actionId: string;
  readonly label: string;
  readonly optional?: boolean;
  readonly placeholder?: string;
}

/** A form of one multi-line text input, as the plan and reject forms are. */
function textForm(form: TextFormOptions) {
  return {
    type: 'modal',
    callback_id: form.callbackId,
    private_metadata: form.meta,
    title: { type: 'plain_text', text: form.title },
    submit: { type: 'plain_text', text: form.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: form.blockId,
        optional: form.optional ?? false,
        label: { type: 'plain_text', text: form.label },
        element: {
          type: 'plain_text_input',
          action_id: form.actionId,
          multiline: true,
          ...(form.placeholder ? { placeholder: { type: 'plain_text', text: form.placeholder } } : {}),
        },
      },
    ],
  };
}

/** The reject form; `meta` carries the plan id and its message, as JSON. */
export const rejectView = (meta: string) =>
  textForm({
    callbackId: REJECT_VIEW,
    meta,
    title: 'Reject the plan',
    submit: 'Reject',
    blockId: 'reason',
    actionId: 'text',
    label: 'Why? (recorded in the audit log)',
    optional: true,
  });

/**
 * What the plan form carries to its submission (a submission has no other context): the channel the
 * plan will be posted in, and the command's response URL, the one way to answer privately in any
 * channel (valid for 30 minutes).
 */
export interface PlanFormMeta {
  readonly channel: string;
  readonly responseUrl?: string;
}

/** The form's metadata; a plain channel id (a form opened by an older vpnbot) reads as that channel. */
export function planFormMeta(raw: string): PlanFormMeta {
  try {
    const m = JSON.parse(raw) as { channel?: unknown; responseUrl?: unknown };
    if (typeof m.channel === 'string')
      return { channel: m.channel, ...(typeof m.responseUrl === 'string' ? { responseUrl: m.responseUrl } : {}) };
  } catch {
    // Not JSON: the channel alone.
  }
  return { channel: raw };
}

/** The plan form; `meta.channel` is where the plan will be posted. */
export const planView = (meta: PlanFormMeta) =>
  textForm({
    callbackId: PLAN_VIEW,
    meta: JSON.stringify(meta),
    title: 'Plan a topology',
    submit: 'Plan',
    blockId: 'topology',
    actionId: 'yaml',
    label: 'Topology (YAML)',
    placeholder: 'name: corp\nsites:\n  - name: japan\n    role: hub\n    ...',
  });
