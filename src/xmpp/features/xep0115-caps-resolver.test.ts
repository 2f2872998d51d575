import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Jid } from '../../core/address/jid.js';
import { type Element, parseXml } from '../../xml/index.js';
import { CapsResolver, type DiscoInfoQuery } from './xep0115-caps-resolver.js';
import { capsHash } from './xep0115-entity-capabilities.js';

const ROMEO = 'romeo@localhost/orchard' as Jid;
const IAGO = 'iago@localhost/lies' as Jid;
/** XEP-0115 §5.2: the Exodus example and its ver. */
const EXODUS = parseXml(
  `<query xmlns='http://jabber.org/protocol/disco#info'><identity category='client' name='Exodus 0.9.1' type='pc'/>` +
    `<feature var='http://jabber.org/protocol/caps'/><feature var='http://jabber.org/protocol/disco#info'/>` +
    `<feature var='http://jabber.org/protocol/disco#items'/><feature var='http://jabber.org/protocol/muc'/></query>`,
) as Element;
const LIE = parseXml(
  `<query xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:evil+notify'/></query>`,
) as Element;
const CAPS = { hash: 'sha-1', node: 'http://exodus.jabberstudio.org', ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=' };

/** A query answering from a table, recording whom it asked for which node. */
function recording(answers: ReadonlyMap<Jid, Element | null>): { query: DiscoInfoQuery; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    query: async (to, node) => {
      asked.push(`${to} ${node}`);
      return answers.get(to) ?? null;
    },
  };
}

describe('CapsResolver (XEP-0115 §5.4)', () => {
  it('asks one entity once for a ver and answers everyone who announces it from the cache', async () => {
    const { query, asked } = recording(new Map([[ROMEO, EXODUS]]));
    const resolver = new CapsResolver({ query, cacheSize: 10 });
    const [first, second] = await Promise.all([
      resolver.features(ROMEO, CAPS),
      resolver.features(ROMEO, CAPS),
    ]);
    assert.ok(first?.has('http://jabber.org/protocol/muc'));
    assert.equal(second, first);
    assert.equal(await resolver.features(IAGO, CAPS), first, 'another entity with the same ver');
    assert.deepEqual(asked, [`${ROMEO} http://exodus.jabberstudio.org#QgayPKawpkPSDYmwT/WM94uAlu0=`]);
  });

  it('does not believe an answer that does not hash to the ver, and does not let it poison the ver', async () => {
    const { query, asked } = recording(
      new Map([
        [IAGO, LIE],
        [ROMEO, EXODUS],
      ]),
    );
    const resolver = new CapsResolver({ query, cacheSize: 10 });
    assert.equal(await resolver.features(IAGO, CAPS), null);
    assert.equal(await resolver.features(IAGO, CAPS), null, 'iago is not asked again');
    assert.ok((await resolver.features(ROMEO, CAPS))?.has('http://jabber.org/protocol/caps'));
    assert.deepEqual(
      asked.map((line) => line.split(' ')[0]),
      [IAGO, ROMEO],
    );
  });

  it('knows nothing without a way to ask, or when the question fails', async () => {
    assert.equal(await new CapsResolver({ query: null, cacheSize: 10 }).features(ROMEO, CAPS), null);
    const failing: DiscoInfoQuery = async () => {
      throw new Error('gone');
    };
    assert.equal(await new CapsResolver({ query: failing, cacheSize: 10 }).features(ROMEO, CAPS), null);
  });

  it('keeps failed answers apart: they never push a known ver out', async () => {
    const { query, asked } = recording(new Map([[ROMEO, EXODUS]]));
    const resolver = new CapsResolver({ query, cacheSize: 1 });
    await resolver.features(ROMEO, CAPS);
    await resolver.features(ROMEO, { ...CAPS, ver: 'other' });
    await resolver.features(ROMEO, CAPS);
    assert.equal(asked.length, 2);
  });

  it('forgets the least recently used ver beyond its size', async () => {
    const tiny = parseXml(
      `<query xmlns='http://jabber.org/protocol/disco#info'><feature var='f'/></query>`,
    ) as Element;
    const tinyCaps = { ...CAPS, ver: capsHash('sha-1', 'f<') ?? '' };
    const answers = new Map([
      [ROMEO, EXODUS],
      [IAGO, tiny],
    ]);
    const { query, asked } = recording(answers);
    const resolver = new CapsResolver({ query, cacheSize: 1 });
    await resolver.features(ROMEO, CAPS);
    assert.ok((await resolver.features(IAGO, tinyCaps))?.has('f'));
    await resolver.features(ROMEO, CAPS);
    assert.equal(asked.length, 3, 'the first ver was asked for again');
  });
});
