import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PepAccessModel } from '../ports.js';
import { accessRefusal, type PepRelation } from './pep-access.js';

/** XEP-0060 §4.5 and §6.5.9, one row per relation: what each access model answers. */
const TABLE: { relation: PepRelation; presence: string; open: string; whitelist: string }[] = [
  { relation: 'owner', presence: 'allowed', open: 'allowed', whitelist: 'allowed' },
  { relation: 'presence-subscriber', presence: 'allowed', open: 'allowed', whitelist: 'closed-node' },
  {
    relation: 'stranger',
    presence: 'presence-subscription-required',
    open: 'allowed',
    whitelist: 'closed-node',
  },
  { relation: 'blocked', presence: 'blocked', open: 'blocked', whitelist: 'blocked' },
];

describe('PEP access models (XEP-0060 §4.5)', () => {
  for (const row of TABLE)
    for (const model of ['presence', 'open', 'whitelist'] as const satisfies PepAccessModel[])
      it(`${model} answers ${row[model]} to a ${row.relation}`, () => {
        assert.equal(accessRefusal(model, row.relation) ?? 'allowed', row[model]);
      });
});
