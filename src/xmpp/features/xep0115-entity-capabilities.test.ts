import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Element, parseXml } from '../../xml/index.js';
import { capsHash, capsOf, verificationString, verifiesCaps } from './xep0115-entity-capabilities.js';

function xml(text: string): Element {
  const parsed = parseXml(text);
  if (!('name' in parsed)) throw new Error(`bad fixture: ${text}`);
  return parsed;
}

const DISCO = "xmlns='http://jabber.org/protocol/disco#info'";

/** XEP-0115 §5.2 "Simple Generation Example": Exodus 0.9.1. */
const SIMPLE = xml(`<query ${DISCO}>
  <identity category='client' name='Exodus 0.9.1' type='pc'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/muc'/>
</query>`);

/** XEP-0115 §5.3 "Complex Generation Example": Psi 0.11 with two identities and a software form. */
const COMPLEX = xml(`<query ${DISCO} node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>
  <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
  <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/muc'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <x xmlns='jabber:x:data' type='result'>
    <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
    <field var='ip_version'><value>ipv6</value><value>ipv4</value></field>
    <field var='os'><value>Mac</value></field>
    <field var='os_version'><value>10.5.1</value></field>
    <field var='software'><value>Psi</value></field>
    <field var='software_version'><value>0.11</value></field>
  </x>
</query>`);

const GOLDEN = [
  {
    name: '§5.2 simple',
    info: SIMPLE,
    string:
      'client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<' +
      'http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<',
    ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=',
  },
  {
    name: '§5.3 complex',
    info: COMPLEX,
    string:
      'client/pc/el/Ψ 0.11<client/pc/en/Psi 0.11<http://jabber.org/protocol/caps<' +
      'http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<' +
      'http://jabber.org/protocol/muc<urn:xmpp:dataforms:softwareinfo<ip_version<ipv4<ipv6<os<Mac<' +
      'os_version<10.5.1<software<Psi<software_version<0.11<',
    ver: 'q07IKJEyjvHSyhy//CH0CxmKi8w=',
  },
];

/** §5.4 step 3: responses a processing entity must not trust. */
const ILL_FORMED = [
  {
    why: 'a repeated identity',
    info: `<query ${DISCO}><identity category='client' type='pc'/><identity category='client' type='pc'/></query>`,
  },
  { why: 'a repeated feature', info: `<query ${DISCO}><feature var='a'/><feature var='a'/></query>` },
  {
    why: 'two forms of one FORM_TYPE',
    info: `<query ${DISCO}>${'<x xmlns="jabber:x:data" type="result"><field var="FORM_TYPE" type="hidden"><value>t</value></field></x>'.repeat(2)}</query>`,
  },
  {
    why: 'a FORM_TYPE with two values',
    info: `<query ${DISCO}><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>t</value><value>u</value></field></x></query>`,
  },
];

describe('XEP-0115 entity capabilities', () => {
  for (const { name, info, string, ver } of GOLDEN) {
    it(`builds the verification string and hash of the ${name} example`, () => {
      assert.equal(verificationString(info), string);
      assert.equal(capsHash('sha-1', string), ver);
      assert.equal(verifiesCaps({ hash: 'sha-1', node: 'n', ver }, info), true);
    });
  }

  it('does not verify caps whose ver is of other features, or of a hash it does not know', () => {
    assert.equal(
      verifiesCaps({ hash: 'sha-1', node: 'n', ver: 'q07IKJEyjvHSyhy//CH0CxmKi8w=' }, SIMPLE),
      false,
    );
    assert.equal(
      verifiesCaps({ hash: 'md4', node: 'n', ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=' }, SIMPLE),
      false,
    );
  });

  it('ignores a form whose FORM_TYPE is not hidden (§5.4 step 3.6)', () => {
    const info = xml(
      `<query ${DISCO}><feature var='f'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'><value>t</value></field></x></query>`,
    );
    assert.equal(verificationString(info), 'f<');
  });

  for (const { why, info } of ILL_FORMED)
    it(`calls a response with ${why} ill-formed`, () => {
      assert.equal(verificationString(xml(info)), null);
    });

  const PRESENCES = [
    {
      presence: `<presence xmlns='jabber:client'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='http://psi-im.org' ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/></presence>`,
      caps: { hash: 'sha-1', node: 'http://psi-im.org', ver: 'q07IKJEyjvHSyhy//CH0CxmKi8w=' },
    },
    // §1.2 legacy format: no hash, so nothing to verify.
    {
      presence: `<presence xmlns='jabber:client'><c xmlns='http://jabber.org/protocol/caps' node='http://psi-im.org' ver='0.11' ext='a b'/></presence>`,
      caps: null,
    },
    {
      presence: `<presence xmlns='jabber:client'><c xmlns='urn:other' hash='sha-1' node='n' ver='v'/></presence>`,
      caps: null,
    },
    { presence: `<presence xmlns='jabber:client'/>`, caps: null },
  ];
  for (const { presence, caps } of PRESENCES)
    it(`reads ${caps ? 'the caps' : 'no caps'} from ${presence}`, () => {
      assert.deepEqual(capsOf(xml(presence)), caps);
    });
});
