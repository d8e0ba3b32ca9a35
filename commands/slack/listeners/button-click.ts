/** What the button listeners read of a click: who, which value, where, and the message clicked. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Block, SlackMessage } from '../blocks';

export interface ButtonClick {
  readonly user: string;
  /** The button's value: a plan id or a run id. */
  readonly value: string;
  readonly channel: string;
  readonly messageTs: string;
  /** The thread the clicked message is in (itself when it is a thread's root). */
  readonly threadTs: string;
  readonly message: SlackMessage;
  readonly triggerId: string;
}

export function buttonClick(body: BlockAction, action: ButtonAction): ButtonClick {
  const ts = body.message?.ts ?? '';
  return {
    user: body.user.id,
    value: action.value ?? '',
    channel: body.channel?.id ?? '',
    messageTs: ts,
    threadTs: String((body.message as { thread_ts?: string } | undefined)?.thread_ts ?? ts),
    message: { text: String(body.message?.text ?? ''), blocks: (body.message?.blocks ?? []) as Block[] },
    triggerId: body.trigger_id,
  };
}
