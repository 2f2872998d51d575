import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compose } from '../../core/presence/compose.js';
import type { PresenceSource } from '../../core/presence/presence-source.js';
import { el, serialize } from '../../xml/index.js';
import {
  clientAvailabilityOf,
  clientNoteOf,
  composedStanza,
  NS_HERALD_PRESENCE,
  serverResourceStanza,
  showFor,
} from './xmpp-presence-mapping.js';

const NOW = 1_000_000;
const client = (availability: 'available' | 'away' | 'extended-away' | 'dnd', note: string | null = null) =>
  ({
    kind: 'client',
    id: 'bob@x/desk',
    protocol: 'xmpp',
    availability,
    note,
    priority: 5,
    updatedAt: NOW,
    expiresAt: null,
  }) as const satisfies PresenceSource;
const caps = el('c', { xmlns: 'http://jabber.org/protocol/caps', hash: 'sha-1', node: 'n', ver: 'v' });
const current = el(
  'presence',
  { from: 'bob@x/desk' },
  el('show', 'chat'),
  el('status', 'mine'),
  el('priority', '5'),
  caps,
);

describe('XMPP presence mapping (docs/presence.md)', () => {
  it('reads <show/> and <status/> as a client source (RFC 6121 §4.7.2)', () => {
    assert.equal(clientAvailabilityOf(el('presence')), 'available');
    assert.equal(clientAvailabilityOf(el('presence', el('show', 'chat'))), 'available');
    assert.equal(clientAvailabilityOf(el('presence', el('show', 'away'))), 'away');
    assert.equal(clientAvailabilityOf(el('presence', el('show', 'xa'))), 'extended-away');
    assert.equal(clientAvailabilityOf(el('presence', el('show', 'dnd'))), 'dnd');
    assert.equal(clientAvailabilityOf(el('presence', el('show', 'bogus'))), 'available');
    assert.equal(
      clientNoteOf(el('presence', el('status', { 'xml:lang': 'de' }, 'Hallo'), el('status', ' Hi '))),
      'Hi',
    );
    assert.equal(clientNoteOf(el('presence', el('status', '   '))), null);
    assert.equal(clientNoteOf(el('presence', el('status', 'x'.repeat(5000))))?.length, 1024);
  });

  it('maps every composed availability to a <show/>', () => {
    const table = {
      available: null,
      away: 'away',
      'extended-away': 'xa',
      busy: 'dnd',
      dnd: 'dnd',
      'on-the-phone': 'away',
      'in-a-meeting': 'away',
      'on-vacation': 'xa',
    } as const;
    for (const [availability, show] of Object.entries(table))
      assert.equal(showFor(availability as keyof typeof table), show, availability);
  });

  it('a call: composed <show/>/<status/> and the detail replace the client’s; priority and caps stay', () => {
    const presence = compose(
      [client('available', 'mine'), { kind: 'line', id: '1002', state: 'on-call', updatedAt: NOW }],
      NOW,
    );
    const stanza = composedStanza(current, presence, 'bob@x/desk', 'alice@x/pc');
    assert.equal(
      serialize(stanza),
      "<presence from='bob@x/desk' to='alice@x/pc'><show>away</show><status>mine</status>" +
        `<presence-detail xmlns='${NS_HERALD_PRESENCE}' availability='on-the-phone' source='line'/>` +
        "<priority>5</priority><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/></presence>",
    );
  });

  it('clients alone decide: each resource keeps its own <show/> and <status/>', () => {
    const presence = compose([client('available', 'mine')], NOW);
    const stanza = composedStanza(current, presence, 'bob@x/desk', 'alice@x/pc');
    assert.equal(stanza.getChildText('show'), 'chat');
    assert.equal(stanza.getChildText('status'), 'mine');
    assert.equal(stanza.getChild('presence-detail', NS_HERALD_PRESENCE)?.attr('availability'), 'available');
  });

  it('a vacation with an end: xa, the note, until in ISO 8601; a spoofed detail is dropped', () => {
    const until = NOW + 3_600_000;
    const presence = compose(
      [
        client('available'),
        {
          kind: 'manual',
          id: 'manual',
          availability: 'on-vacation',
          note: 'Back Monday',
          until,
          updatedAt: NOW,
        },
      ],
      NOW,
    );
    const spoofed = current.withChildren([
      ...current.children,
      el('presence-detail', { xmlns: NS_HERALD_PRESENCE, availability: 'available' }),
    ]);
    const stanza = composedStanza(spoofed, presence, 'bob@x/desk', 'alice@x/pc');
    assert.equal(stanza.getChildText('show'), 'xa');
    assert.equal(stanza.getChildText('status'), 'Back Monday');
    const details = stanza.getChildren('presence-detail', NS_HERALD_PRESENCE);
    assert.equal(details.length, 1);
    assert.equal(details[0]?.attr('until'), new Date(until).toISOString());
  });

  it('offline (or not allowed to see) is unavailable; the server resource has a negative priority', () => {
    const offline = compose([], NOW);
    assert.equal(composedStanza(current, offline, 'bob@x/desk', 'a@x/p').attr('type'), 'unavailable');
    const meeting = compose(
      [
        client('available'),
        {
          kind: 'calendar',
          id: 'calendar',
          busy: [{ start: 0, end: NOW + 1, summary: 'Review' }],
          updatedAt: NOW,
        },
      ],
      NOW,
    );
    const herald = serverResourceStanza(meeting, 'bob@x/herald', 'a@x/p');
    assert.equal(herald.getChildText('show'), 'away');
    assert.equal(herald.getChildText('status'), 'Review');
    assert.equal(herald.getChildText('priority'), '-1');
    assert.equal(serverResourceStanza(offline, 'bob@x/herald', 'a@x/p').attr('type'), 'unavailable');
  });
});
