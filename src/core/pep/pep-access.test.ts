import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PepAccessModel } from '../ports.js';
import { accessRefusal, type PepRelation } from './pep-access.js';

const MODELS = ['presence', 'open', 'roster', 'whitelist'] as const satisfies PepAccessModel[];

/** XEP-0060 §4.5 and §6.5.9, one row per requester: what each access model answers. */
const TABLE: ({ relation: PepRelation; groups: string[] } & Record<(typeof MODELS)[number], string>)[] = [
  {
    relation: 'owner',
    groups: [],
    presence: 'allowed',
    open: 'allowed',
    roster: 'allowed',
    whitelist: 'allowed',
  },
  {
    relation: 'presence-subscriber',
    groups: ['Friends', 'Colleagues'],
    presence: 'allowed',
    open: 'allowed',
    roster: 'allowed',
    whitelist: 'closed-node',
  },
  {
    relation: 'presence-subscriber',
    groups: ['Family'],
    presence: 'allowed',
    open: 'allowed',
    roster: 'not-in-roster-group',
    whitelist: 'closed-node',
  },
  {
    relation: 'presence-subscriber',
    groups: [],
    presence: 'allowed',
    open: 'allowed',
    roster: 'not-in-roster-group',
    whitelist: 'closed-node',
  },
  // In the group but with no presence subscription from the owner (XEP-0163 §5).
  {
    relation: 'stranger',
    groups: ['Colleagues'],
    presence: 'presence-subscription-required',
    open: 'allowed',
    roster: 'not-in-roster-group',
    whitelist: 'closed-node',
  },
  {
    relation: 'blocked',
    groups: ['Colleagues'],
    presence: 'blocked',
    open: 'blocked',
    roster: 'blocked',
    whitelist: 'blocked',
  },
];

describe('PEP access models (XEP-0060 §4.5)', () => {
  for (const row of TABLE)
    for (const model of MODELS)
      it(`${model} answers ${row[model]} to a ${row.relation} in [${row.groups.join(', ')}]`, () => {
        const node = { accessModel: model, rosterGroupsAllowed: ['Colleagues'] };
        assert.equal(accessRefusal(node, row) ?? 'allowed', row[model]);
      });
});
