import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  configWith,
  DEFAULT_NODE_CONFIG,
  DEFAULT_PEP_LIMITS,
  meetsPreconditions,
  type PepNodeConfig,
  type PepNodeOptions,
} from './pep-node-config.js';

const limits = { ...DEFAULT_PEP_LIMITS, maxItemsPerNode: 50, maxRosterGroupsAllowed: 3 };
const BOOKMARKS: PepNodeConfig = {
  accessModel: 'whitelist',
  maxItems: 50,
  sendLastItem: 'never',
  rosterGroupsAllowed: [],
};
const COLLEAGUES: PepNodeConfig = {
  ...DEFAULT_NODE_CONFIG,
  accessModel: 'roster',
  rosterGroupsAllowed: ['Colleagues'],
};

const CONFIGURE: { options: PepNodeOptions; expected: PepNodeConfig | string }[] = [
  { options: {}, expected: DEFAULT_NODE_CONFIG },
  { options: { accessModel: 'open' }, expected: { ...DEFAULT_NODE_CONFIG, accessModel: 'open' } },
  // XEP-0402 §3: the options a bookmarks client publishes with.
  {
    options: { accessModel: 'whitelist', maxItems: 'max', persistItems: true, sendLastItem: 'never' },
    expected: BOOKMARKS,
  },
  { options: { maxItems: 7 }, expected: { ...DEFAULT_NODE_CONFIG, maxItems: 7 } },
  // XEP-0060 §4.5 roster, with the groups of pubsub#roster_groups_allowed (duplicates once).
  {
    options: { accessModel: 'roster', rosterGroupsAllowed: ['Colleagues', 'Colleagues'] },
    expected: COLLEAGUES,
  },
  { options: { accessModel: 'roster' }, expected: { ...DEFAULT_NODE_CONFIG, accessModel: 'roster' } },
  { options: { rosterGroupsAllowed: [''] }, expected: 'invalid-options' },
  { options: { rosterGroupsAllowed: ['x'.repeat(1024)] }, expected: 'invalid-options' },
  { options: { rosterGroupsAllowed: ['a', 'b', 'c', 'd'] }, expected: 'invalid-options' },
  { options: { accessModel: 'authorize' }, expected: 'unsupported-access-model' },
  { options: { maxItems: 0 }, expected: 'invalid-options' },
  { options: { maxItems: 51 }, expected: 'invalid-options' },
  { options: { maxItems: 2.5 }, expected: 'invalid-options' },
  { options: { persistItems: false }, expected: 'invalid-options' },
  { options: { sendLastItem: 'on_sub' }, expected: 'invalid-options' },
];

/** XEP-0060 §7.1.5: does the bookmarks node meet each set of publish options? */
const PRECONDITIONS: { options: PepNodeOptions; meets: boolean }[] = [
  { options: {}, meets: true },
  { options: { accessModel: 'whitelist', persistItems: true }, meets: true }, // XEP-0223 §3
  { options: { maxItems: 'max', sendLastItem: 'never' }, meets: true },
  { options: { maxItems: 50 }, meets: true },
  { options: { accessModel: 'open' }, meets: false },
  { options: { maxItems: 1 }, meets: false },
  { options: { persistItems: false }, meets: false },
  { options: { sendLastItem: 'on_sub_and_presence' }, meets: false },
  { options: { accessModel: 'bogus' }, meets: false },
];

describe('PEP node configuration (XEP-0060 §7.1.5, §8.2)', () => {
  for (const { options, expected } of CONFIGURE)
    it(`configures ${JSON.stringify(options)} as ${typeof expected === 'string' ? expected : JSON.stringify(expected)}`, () => {
      const result = configWith(DEFAULT_NODE_CONFIG, options, limits);
      assert.deepEqual(result.ok ? result.value : result.error.reason, expected);
    });

  it('keeps what the options do not name', () => {
    const result = configWith(BOOKMARKS, { maxItems: 3 }, limits);
    assert.deepEqual(result.ok && result.value, { ...BOOKMARKS, maxItems: 3 });
  });

  for (const { groups, meets } of [
    { groups: ['Colleagues'], meets: true },
    { groups: ['Colleagues', 'Colleagues'], meets: true },
    { groups: ['Family'], meets: false },
    { groups: [], meets: false },
  ])
    it(`a roster node for Colleagues ${meets ? 'meets' : 'does not meet'} groups [${groups.join(', ')}]`, () => {
      const options = { accessModel: 'roster', rosterGroupsAllowed: groups };
      assert.equal(meetsPreconditions(COLLEAGUES, options, limits), meets);
    });

  for (const { options, meets } of PRECONDITIONS)
    it(`the bookmarks node ${meets ? 'meets' : 'does not meet'} ${JSON.stringify(options)}`, () => {
      assert.equal(meetsPreconditions(BOOKMARKS, options, limits), meets);
    });
});
