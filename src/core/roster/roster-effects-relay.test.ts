import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid } from '../address/jid.js';
import { asUserId } from '../ports.js';
import type { RosterEffect } from './roster-effects.js';
import { type EffectOrigin, RosterEffectsRelay } from './roster-effects-relay.js';

const request: RosterEffect = {
  kind: 'deliver-subscription',
  userId: asUserId('u-alice'),
  to: 'alice@example.test' as BareJid,
  from: 'bob@example.test' as BareJid,
  type: 'subscribe',
};

describe('RosterEffectsRelay', () => {
  it('tells every listener, with the origin, and nothing for no effects', () => {
    const relay = new RosterEffectsRelay();
    const heard: [number, EffectOrigin][] = [];
    const off = relay.onEffects((effects, origin) => heard.push([effects.length, origin]));
    relay.announce([request], 'sip');
    relay.announce([], 'xmpp');
    off();
    relay.announce([request], 'xmpp');
    assert.deepEqual(heard, [[1, 'sip']]);
  });

  it('a failing listener does not keep the others from hearing', () => {
    const errors: unknown[] = [];
    const relay = new RosterEffectsRelay({ onListenerError: (e) => errors.push(e) });
    let heard = 0;
    relay.onEffects(() => {
      throw new Error('boom');
    });
    relay.onEffects(() => heard++);
    relay.announce([request], 'xmpp');
    assert.equal(heard, 1);
    assert.equal(errors.length, 1);
  });
});
