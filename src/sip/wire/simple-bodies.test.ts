import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessageSummary, serializeMessageSummary } from './rfc3842-message-summary.js';
import { isOpen, parsePidf, serializePidf } from './rfc3863-pidf.js';
import { parseDialogInfo, serializeDialogInfo } from './rfc4235-dialog-info.js';

const BARESIP = `<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf"\r\n xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"\r\n xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"\r\n entity="sip:1002@127.0.0.1">\r\n<dm:person id="p4159"><rpid:activities/></dm:person>\r\n<tuple id="t4109">\r\n<status>\r\n<basic>open</basic>\r\n</status>\r\n<contact>sip:1002@127.0.0.1</contact>\r\n</tuple>\r\n</presence>\r\n`;

// As SIPp scenarios and Kamailio's pua send it: prefixed PIDF, RPID activities and a note.
const PREFIXED = `<?xml version='1.0'?><p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" xmlns:rp="urn:ietf:params:xml:ns:pidf:rpid" xmlns:d="urn:ietf:params:xml:ns:pidf:data-model" entity="sip:bob@localhost"><p:tuple id="a"><p:status><p:basic>closed</p:basic></p:status><p:note>gone</p:note></p:tuple><d:person id="x"><rp:activities><rp:meeting/><rp:away/></rp:activities></d:person></p:presence>`;

describe('PIDF + RPID (RFC 3863, RFC 4480)', () => {
  it('parses baresip’s PUBLISH body', () => {
    const r = parsePidf(BARESIP);
    assert.ok(r.ok);
    assert.equal(r.value.entity, 'sip:1002@127.0.0.1');
    assert.deepEqual(r.value.tuples, [
      { id: 't4109', basic: 'open', contact: 'sip:1002@127.0.0.1', note: null },
    ]);
    assert.deepEqual(r.value.activities, []);
    assert.ok(isOpen(r.value));
  });

  it('parses prefixed documents with activities and a tuple note', () => {
    const r = parsePidf(PREFIXED);
    assert.ok(r.ok);
    assert.equal(isOpen(r.value), false);
    assert.deepEqual(r.value.activities, ['meeting', 'away']);
    assert.equal(r.value.note, 'gone');
  });

  it('round-trips what Herald serializes', () => {
    const text = serializePidf({
      entity: 'sip:a@b',
      basic: 'open',
      activities: ['on-the-phone'],
      note: 'call <me>',
    });
    const r = parsePidf(text);
    assert.ok(r.ok);
    assert.deepEqual(r.value.activities, ['on-the-phone']);
    assert.equal(r.value.note, 'call <me>');
    assert.ok(isOpen(r.value));
  });

  it('refuses malformed and foreign documents', () => {
    for (const bad of [
      '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple',
      '<presence xmlns="urn:other" entity="sip:a@b"/>',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf"/>',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><tuple id="t"><status><basic>maybe</basic></status></tuple></presence>',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><tuple><status/></tuple></presence>',
      '<!DOCTYPE x [<!ENTITY e "e">]><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/>',
    ])
      assert.equal(parsePidf(bad).ok, false, bad);
  });
});

describe('dialog-info (RFC 4235)', () => {
  it('round-trips a full document', () => {
    const doc = {
      entity: 'sip:1002@localhost',
      version: 3,
      state: 'full' as const,
      dialogs: [
        {
          id: 'd1',
          callId: 'c@h',
          localTag: 'l',
          remoteTag: 'r',
          direction: 'recipient' as const,
          state: 'confirmed' as const,
          event: null,
          duration: 12,
          local: { identity: 'sip:1002@localhost', display: null },
          remote: { identity: 'sip:1001@localhost', display: 'Alice' },
        },
      ],
    };
    const r = parseDialogInfo(serializeDialogInfo(doc));
    assert.ok(r.ok);
    assert.deepEqual(r.value, doc);
  });

  it('refuses a document without version', () => {
    assert.equal(
      parseDialogInfo(
        '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" state="full" entity="sip:a@b"/>',
      ).ok,
      false,
    );
  });
});

describe('message-summary (RFC 3842)', () => {
  it('parses the §5.2 example and round-trips', () => {
    const text =
      'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\n';
    const r = parseMessageSummary(text);
    assert.ok(r.ok);
    assert.deepEqual(r.value.classes['voice-message'], {
      newCount: 2,
      oldCount: 8,
      newUrgent: 0,
      oldUrgent: 2,
    });
    assert.equal(serializeMessageSummary(r.value), text);
    assert.equal(parseMessageSummary('Voice-Message: 1/0\r\n').ok, false);
  });
});
