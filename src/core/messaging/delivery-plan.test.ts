import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJid } from '../address/jid.js';
import { asUserId } from '../ports.js';
import { MESSAGE_TYPES, type MessageType } from './chat-message.js';
import { type DeliveryInput, type DeliveryPlan, planDelivery } from './delivery-plan.js';
import { type Endpoint, xmppEndpoint } from './endpoint.js';

/** One of juliet's resources; available and opted in unless told otherwise. */
function juliet(
  resource: string,
  priority = 0,
  flags: { isAvailable?: boolean; isInterested?: boolean } = {},
) {
  return xmppEndpoint({
    userId: asUserId('u-juliet'),
    jid: parseJid(`juliet@capulet.lit/${resource}`)!,
    priority,
    isAvailable: flags.isAvailable ?? true,
    isInterested: flags.isInterested,
  });
}

const balcony = juliet('balcony', 1);
const chamber = juliet('chamber', 0);
const hidden = juliet('hidden', -1);
const optedOut = juliet('optedout', 5, { isInterested: false });
const connectedOnly = juliet('connecting', 0, { isAvailable: false });

const base: DeliveryInput = {
  type: 'chat',
  resource: null,
  recipientExists: true,
  endpoints: [],
  lock: null,
  policy: 'lock-on-reply',
  isStorable: true,
};

/** The plan with endpoints shown as resources, to compare in one assertion. */
function summary(plan: DeliveryPlan): Record<string, unknown> {
  if (plan.kind !== 'deliver') return { ...plan };
  return { ...plan, endpoints: plan.endpoints.map((endpoint) => endpoint.resource) };
}

interface Case {
  readonly name: string;
  readonly input: Partial<DeliveryInput>;
  readonly expected: Record<string, unknown>;
}

const to = (resources: string[], rule: string, isLocked = false) => ({
  kind: 'deliver',
  endpoints: resources,
  isLocked,
  rule,
});
const offline = (rule: string) => ({ kind: 'offline', rule });
const refused = (rule: string) => ({ kind: 'error', condition: 'service-unavailable', rule });
const dropped = (rule: string) => ({ kind: 'drop', rule });

const all = [balcony, chamber, hidden, optedOut, connectedOnly];

const cases: Case[] = [
  // §8.5.1 no such user
  ...MESSAGE_TYPES.map((type: MessageType) => ({
    name: `§8.5.1 ${type} to a user that does not exist`,
    input: { type, recipientExists: false, endpoints: [balcony] },
    expected: type === 'error' ? dropped('RFC 6121 §8.5.1') : refused('RFC 6121 §8.5.1'),
  })),
  {
    name: '§8.5.1 a full JID of a user that does not exist',
    input: { type: 'normal', resource: 'balcony', recipientExists: false },
    expected: refused('RFC 6121 §8.5.1'),
  },
  // §8.5.2.1.1 bare JID, some resource available
  {
    name: '§8.5.2.1.1 chat forks to every non-negative opted-in resource, highest priority first (M2)',
    input: { endpoints: all },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 normal forks like chat',
    input: { type: 'normal', endpoints: all },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 chat with only negative-priority resources is stored offline',
    input: { endpoints: [hidden, connectedOnly] },
    expected: offline('RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 normal with only negative-priority resources is stored offline',
    input: { type: 'normal', endpoints: [hidden] },
    expected: offline('RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 chat when no available resource opted in is stored offline',
    input: { endpoints: [optedOut] },
    expected: offline('RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 headline goes to all non-negative resources, opted in or not',
    input: { type: 'headline', endpoints: all },
    expected: to(['optedout', 'balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 headline with only negative resources is ignored',
    input: { type: 'headline', endpoints: [hidden] },
    expected: dropped('RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 groupchat to the bare JID is refused, never delivered',
    input: { type: 'groupchat', endpoints: all },
    expected: refused('RFC 6121 §8.5.2.1.1'),
  },
  {
    name: '§8.5.2.1.1 error to the bare JID is ignored',
    input: { type: 'error', endpoints: all },
    expected: dropped('RFC 6121 §8.5.2.1.1'),
  },
  // §8.5.2.2.1 bare JID, nothing available (a connected-only resource is not available)
  ...(['chat', 'normal'] as const).map((type) => ({
    name: `§8.5.2.2.1 ${type} with no available resource is stored offline (M3)`,
    input: { type, endpoints: [connectedOnly] },
    expected: offline('RFC 6121 §8.5.2.2.1'),
  })),
  {
    name: 'XEP-0160 §3 a chat with nothing to read (a chat state) is not stored',
    input: { isStorable: false },
    expected: dropped('XEP-0160 §3'),
  },
  {
    name: '§8.5.2.2.1 groupchat with no available resource is refused',
    input: { type: 'groupchat' },
    expected: refused('RFC 6121 §8.5.2.2.1'),
  },
  ...(['headline', 'error'] as const).map((type) => ({
    name: `§8.5.2.2.1 ${type} with no available resource is ignored`,
    input: { type, endpoints: [connectedOnly] },
    expected: dropped('RFC 6121 §8.5.2.2.1'),
  })),
  // §8.5.3.1 full JID, the resource matches
  ...MESSAGE_TYPES.map((type: MessageType) => ({
    name: `§8.5.3.1 ${type} to a matching full JID goes to that resource only`,
    input: { type, resource: 'balcony', endpoints: all },
    expected: to(['balcony'], 'RFC 6121 §8.5.3.1'),
  })),
  {
    name: '§8.5.3.1 a connected (not yet available) resource still gets what is sent to it',
    input: { type: 'normal', resource: 'connecting', endpoints: all },
    expected: to(['connecting'], 'RFC 6121 §8.5.3.1'),
  },
  {
    name: '§8.5.3.1 so does a negative-priority resource',
    input: { resource: 'hidden', endpoints: all },
    expected: to(['hidden'], 'RFC 6121 §8.5.3.1'),
  },
  // §8.5.3.2.1 full JID, no resource matches
  {
    name: '§8.5.3.2.1 chat to a gone resource is handled as if sent to the bare JID',
    input: { resource: 'orchard', endpoints: all },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.3.2.1'),
  },
  {
    name: '§8.5.3.2.1 chat to a gone resource with nobody left is stored offline',
    input: { resource: 'orchard', endpoints: [hidden] },
    expected: offline('RFC 6121 §8.5.3.2.1'),
  },
  ...(['normal', 'groupchat'] as const).map((type) => ({
    name: `§8.5.3.2.1 ${type} to a gone resource is refused, not forked`,
    input: { type, resource: 'orchard', endpoints: all },
    expected: refused('RFC 6121 §8.5.3.2.1'),
  })),
  ...(['headline', 'error'] as const).map((type) => ({
    name: `§8.5.3.2.1 ${type} to a gone resource is ignored`,
    input: { type, resource: 'orchard', endpoints: all },
    expected: dropped('RFC 6121 §8.5.3.2.1'),
  })),
  // XEP-0296 resource locking (M2)
  {
    name: 'XEP-0296 §2.2 a locked chat goes only to the locked resource',
    input: { endpoints: all, lock: chamber.id },
    expected: to(['chamber'], 'XEP-0296 §2.2', true),
  },
  {
    name: "XEP-0296 policy 'all' ignores the lock",
    input: { endpoints: all, lock: chamber.id, policy: 'all' },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: 'XEP-0296 locks only chat: normal still forks',
    input: { type: 'normal', endpoints: all, lock: chamber.id },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: 'XEP-0296 a lock on a resource that went away forks again',
    input: { endpoints: [balcony, chamber], lock: 'juliet@capulet.lit/orchard' },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: 'XEP-0296 a lock on a resource no longer available forks again',
    input: { endpoints: all, lock: connectedOnly.id },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: 'XEP-0296 a lock on a resource now of negative priority forks again',
    input: { endpoints: all, lock: hidden.id },
    expected: to(['balcony', 'chamber'], 'RFC 6121 §8.5.2.1.1'),
  },
  {
    name: 'XEP-0296 a chat to a gone full JID follows the lock',
    input: { resource: 'orchard', endpoints: all, lock: chamber.id },
    expected: to(['chamber'], 'XEP-0296 §2.2', true),
  },
  {
    name: 'XEP-0296 a full JID wins over the lock',
    input: { resource: 'balcony', endpoints: all, lock: chamber.id },
    expected: to(['balcony'], 'RFC 6121 §8.5.3.1'),
  },
];

describe('planDelivery (RFC 6121 §8.5, XEP-0296)', () => {
  for (const { name, input, expected } of cases) {
    it(name, () => {
      assert.deepEqual(summary(planDelivery({ ...base, ...input })), expected);
    });
  }

  it('keeps the endpoints it was given, untouched', () => {
    const endpoints: readonly Endpoint[] = Object.freeze([chamber, balcony]);
    const plan = planDelivery({ ...base, endpoints });
    assert.equal(plan.kind, 'deliver');
    assert.ok(plan.kind === 'deliver' && plan.endpoints[0] === balcony);
    assert.deepEqual(endpoints, [chamber, balcony]);
  });
});
