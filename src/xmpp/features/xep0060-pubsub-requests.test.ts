import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Element, parseXml, serialize } from '../../xml/index.js';
import { type Parsed, parsePubsub, parsePubsubOwner } from './xep0060-pubsub-requests.js';

const PUBSUB = "xmlns='http://jabber.org/protocol/pubsub'";
const OWNER = "xmlns='http://jabber.org/protocol/pubsub#owner'";
const form = (type: string, formType: string, fields: string) =>
  `<x xmlns='jabber:x:data' type='${type}'><field var='FORM_TYPE' type='hidden'><value>${formType}</value></field>${fields}</x>`;
const PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
const NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';
const field = (name: string, value: string) => `<field var='${name}'><value>${value}</value></field>`;

function xml(text: string): Element {
  const parsed = parseXml(text);
  if (!('name' in parsed)) throw new Error(`bad fixture ${text}`);
  return parsed;
}

/** The outcome as one comparable value: the request (payload serialised), or the error. */
function outcome(result: Parsed): unknown {
  if (!result.ok)
    return [result.failure.condition, result.failure.pubsub, result.failure.feature]
      .filter(Boolean)
      .join(' ');
  const request = result.request;
  return request.kind === 'publish' ? { ...request, payload: serialize(request.payload) } : request;
}

const CASES: { why: string; type: 'get' | 'set'; xml: string; expected: unknown; owner?: boolean }[] = [
  {
    why: 'XEP-0163 §3 publish, no ItemID',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='http://jabber.org/protocol/tune'><item><tune xmlns='http://jabber.org/protocol/tune'><title>Finzi</title></tune></item></publish></pubsub>`,
    expected: {
      kind: 'publish',
      node: 'http://jabber.org/protocol/tune',
      itemId: undefined,
      payload: "<tune xmlns='http://jabber.org/protocol/tune'><title>Finzi</title></tune>",
      options: undefined,
    },
  },
  {
    why: 'XEP-0402 publish with publish-options',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='urn:xmpp:bookmarks:1'><item id='r@muc'><conference xmlns='urn:xmpp:bookmarks:1'/></item></publish><publish-options>${form(
      'submit',
      PUBLISH_OPTIONS,
      field('pubsub#persist_items', 'true') +
        field('pubsub#max_items', 'max') +
        field('pubsub#send_last_published_item', 'never') +
        field('pubsub#access_model', 'whitelist') +
        field('pubsub#notify_delete', '1'),
    )}</publish-options></pubsub>`,
    expected: {
      kind: 'publish',
      node: 'urn:xmpp:bookmarks:1',
      itemId: 'r@muc',
      payload: "<conference xmlns='urn:xmpp:bookmarks:1'/>",
      options: { accessModel: 'whitelist', maxItems: 'max', persistItems: true, sendLastItem: 'never' },
    },
  },
  {
    why: 'publish-options of another FORM_TYPE',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='n'><item><x xmlns='urn:x'/></item></publish><publish-options>${form('submit', NODE_CONFIG, '')}</publish-options></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: 'a max_items that is no number',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='n'><item><x xmlns='urn:x'/></item></publish><publish-options>${form('submit', PUBLISH_OPTIONS, field('pubsub#max_items', 'ten'))}</publish-options></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: 'a publish without node',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish><item><x xmlns='u'/></item></publish></pubsub>`,
    expected: 'bad-request nodeid-required',
  },
  {
    why: '§7.1.3.6 a publish without item',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='n'/></pubsub>`,
    expected: 'bad-request item-required',
  },
  {
    why: '§7.1.3.6 an item without payload',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='n'><item id='1'/></publish></pubsub>`,
    expected: 'bad-request payload-required',
  },
  {
    why: '§7.1.3.5 two payloads',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='n'><item><a xmlns='u'/><b xmlns='u'/></item></publish></pubsub>`,
    expected: 'bad-request invalid-payload',
  },
  {
    why: '§7.2 retract with notify',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><retract node='n' notify='true'><item id='i'/></retract></pubsub>`,
    expected: { kind: 'retract', node: 'n', itemId: 'i', notify: true },
  },
  {
    why: '§7.2.3.4 retract without item',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><retract node='n'/></pubsub>`,
    expected: 'bad-request item-required',
  },
  {
    why: '§6.5.7 the newest two items',
    type: 'get',
    xml: `<pubsub ${PUBSUB}><items node='n' max_items='2'/></pubsub>`,
    expected: { kind: 'items', node: 'n', itemIds: undefined, maxItems: 2 },
  },
  {
    why: '§6.5.8 items by id',
    type: 'get',
    xml: `<pubsub ${PUBSUB}><items node='n'><item id='a'/><item id='b'/></items></pubsub>`,
    expected: { kind: 'items', node: 'n', itemIds: ['a', 'b'], maxItems: undefined },
  },
  {
    why: 'a max_items of 0',
    type: 'get',
    xml: `<pubsub ${PUBSUB}><items node='n' max_items='0'/></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: '§8.1.3 create and configure',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><create node='n'/><configure>${form('submit', NODE_CONFIG, field('pubsub#access_model', 'open'))}</configure></pubsub>`,
    expected: { kind: 'create', node: 'n', options: { accessModel: 'open' } },
  },
  {
    why: '§8.1.1 an instant node',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><create/></pubsub>`,
    expected: 'not-acceptable nodeid-required',
  },
  {
    why: '§6.1.1 subscribe',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><subscribe node='n' jid='romeo@localhost/orchard'/></pubsub>`,
    expected: { kind: 'subscribe', node: 'n', jid: 'romeo@localhost/orchard' },
  },
  {
    why: 'a subscribe without jid',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><subscribe node='n'/></pubsub>`,
    expected: 'bad-request jid-required',
  },
  {
    why: 'a subscribe without node',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><subscribe jid='romeo@localhost'/></pubsub>`,
    expected: 'bad-request nodeid-required',
  },
  {
    why: 'a subscribe in a get',
    type: 'get',
    xml: `<pubsub ${PUBSUB}><subscribe node='n' jid='romeo@localhost'/></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: '§6.2.1 unsubscribe with a SubID',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><unsubscribe node='n' jid='romeo@localhost' subid='ba49252aaa4f5d320c24d3766f0bdcade78c78d3'/></pubsub>`,
    expected: {
      kind: 'unsubscribe',
      node: 'n',
      jid: 'romeo@localhost',
      subid: 'ba49252aaa4f5d320c24d3766f0bdcade78c78d3',
    },
  },
  {
    why: '§6.2.1 unsubscribe without a SubID',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><unsubscribe node='n' jid='romeo@localhost'/></pubsub>`,
    expected: { kind: 'unsubscribe', node: 'n', jid: 'romeo@localhost', subid: undefined },
  },
  {
    why: 'an unsubscribe without jid',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><unsubscribe node='n'/></pubsub>`,
    expected: 'bad-request jid-required',
  },
  {
    why: 'options, not offered',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><options node='n' jid='romeo@localhost'/></pubsub>`,
    expected: 'feature-not-implemented unsupported subscription-options',
  },
  {
    why: '§16.4.4 roster access with its list-multi of groups',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><configure node='n'>${form('submit', NODE_CONFIG, `${field('pubsub#access_model', 'roster')}<field var='pubsub#roster_groups_allowed' type='list-multi'><value>Friends</value><value>Colleagues</value></field>`)}</configure></pubsub>`,
    expected: {
      kind: 'configure',
      node: 'n',
      options: { accessModel: 'roster', rosterGroupsAllowed: ['Friends', 'Colleagues'] },
    },
  },
  {
    why: 'roster groups in publish-options',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><publish node='n'><item id='i'><x xmlns='u'/></item></publish><publish-options>${form('submit', PUBLISH_OPTIONS, field('pubsub#roster_groups_allowed', 'Friends'))}</publish-options></pubsub>`,
    expected: {
      kind: 'publish',
      node: 'n',
      itemId: 'i',
      payload: "<x xmlns='u'/>",
      options: { rosterGroupsAllowed: ['Friends'] },
    },
  },
  {
    why: 'two actions',
    type: 'set',
    xml: `<pubsub ${PUBSUB}><retract node='n'><item id='i'/></retract><create node='m'/></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: 'a publish in a get',
    type: 'get',
    xml: `<pubsub ${PUBSUB}><publish node='n'><item><x xmlns='u'/></item></publish></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: '§8.2.1 the configuration form',
    type: 'get',
    owner: true,
    xml: `<pubsub ${OWNER}><configure node='n'/></pubsub>`,
    expected: { kind: 'configuration', node: 'n' },
  },
  {
    why: '§8.2.4 a configuration',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><configure node='n'>${form('submit', NODE_CONFIG, field('pubsub#max_items', '5') + field('pubsub#persist_items', '1'))}</configure></pubsub>`,
    expected: { kind: 'configure', node: 'n', options: { maxItems: 5, persistItems: true } },
  },
  {
    why: '§8.2.4 a cancelled configuration',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><configure node='n'><x xmlns='jabber:x:data' type='cancel'/></configure></pubsub>`,
    expected: { kind: 'configure', node: 'n', options: null },
  },
  {
    why: 'a persist_items that is no boolean',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><configure node='n'>${form('submit', NODE_CONFIG, field('pubsub#persist_items', 'yes'))}</configure></pubsub>`,
    expected: 'bad-request',
  },
  {
    why: '§8.4 delete',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><delete node='n'/></pubsub>`,
    expected: { kind: 'delete', node: 'n' },
  },
  {
    why: 'a delete without node',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><delete/></pubsub>`,
    expected: 'bad-request nodeid-required',
  },
  {
    why: 'purge, not offered',
    type: 'set',
    owner: true,
    xml: `<pubsub ${OWNER}><purge node='n'/></pubsub>`,
    expected: 'feature-not-implemented unsupported purge-nodes',
  },
];

describe('XEP-0060 requests of a PEP service', () => {
  for (const { why, type, xml: text, expected, owner } of CASES)
    it(`reads ${why}`, () => {
      const payload = xml(text);
      assert.deepEqual(
        outcome(owner ? parsePubsubOwner(payload, type) : parsePubsub(payload, type)),
        expected,
      );
    });
});
