/**
 * XEP-0198 §5 "never lost": messages a session received but its client never acknowledged are
 * sent again through the core MessageService once the session has ended for good, so they reach
 * the user's other resources or offline storage (SPEC M3).
 */
import { bareJid, parseJid } from '../../core/address/jid.js';
import type { ChatMessage, MessageType } from '../../core/messaging/chat-message.js';
import { messageServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { serialize } from '../../xml/index.js';
import { unacknowledgedStanzas, xmppHubKey } from '../xmpp-hub.js';
import { stanzaIdBy } from './xep0359-stanza-ids.js';

const REROUTED: ReadonlySet<string> = new Set(['chat', 'normal']);

export const smRerouteModule = defineModule({
  name: 'xmpp-sm-reroute',
  description: 'Reroutes messages a lost session never acknowledged',
  requires: ['xmpp-core', 'xmpp-messages'],
  specs: ['XEP-0198 §5'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const messages = ctx.use(messageServiceKey);
    return hub.hooks.on(unacknowledgedStanzas, async ({ session, stanzas }) => {
      for (const stanza of stanzas) {
        const type = stanza.attr('type') ?? 'normal';
        const body = stanza.getChildText('body');
        const from = parseJid(stanza.attr('from') ?? '');
        if (stanza.name !== 'message' || !REROUTED.has(type) || body === undefined || !from) continue;
        const message: ChatMessage = {
          id: stanza.attr('id') ?? ctx.ids.next(),
          // Not from an endpoint: a reroute must not lock the conversation to anyone.
          from: { address: bareJid(from), endpointId: null },
          to: { address: session.bare, resource: null },
          type: type as MessageType,
          body,
          thread: stanza.getChildText('thread') ?? null,
          sentAt: ctx.clock.now(),
          payload: { format: 'xmpp', content: serialize(stanza.withAttrs({ to: session.bare })) },
          // The id the archive gave it when it first came, so the offline copy carries the same.
          stanzaId: stanzaIdBy(stanza, session.bare),
        };
        // Archived and captured once already (SPEC M5, M7): delivered again, not sent anew.
        const result = await messages.redeliver(message);
        ctx.log.info({ jid: session.jid, result: result.kind }, 'rerouted an unacknowledged message');
      }
    });
  },
});
