/** The App Home tab: published for the user who opened it, with every topology's status. */
import { onAppHomeOpened } from '../../../commands/slack/listeners/app-home';
import { type ListenerKit, listenerKit, recordingClient } from '../../helpers/slack-listener-kit';
import { seedTopology } from '../../helpers/topologies';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await listenerKit();
});
afterEach(() => kit.h.close());

describe('App Home', () => {
  it('publishes a home view for the user, naming each known topology', async () => {
    kit.h.store.saveTopology(seedTopology(), Date.now());
    const slack = recordingClient();
    await onAppHomeOpened(kit.deps, 'U5', slack.client);
    const [publish] = slack.of('views.publish');
    expect(publish?.args).toMatchObject({ user_id: 'U5', view: { type: 'home' } });
    expect(JSON.stringify(publish?.args.view)).toContain('ikev1test');
  });
});
