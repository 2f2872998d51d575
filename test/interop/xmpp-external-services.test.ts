/** XEP-0215 with xmpp.js: a configured TURN server is discovered with temporary credentials; none configured, none told. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, xmppJs } from '../support/xmpp-clients.js';

describe('XEP-0215 external service discovery', () => {
  let herald: TestServer;
  before(async () => {
    allowSelfSigned();
    herald = await startTestServer({
      raw: {
        modules: {
          'xmpp-external-services': {
            services: [
              { type: 'stun', host: 'stun.example.org', port: 3478 },
              {
                type: 'turn',
                host: 'turn.example.org',
                port: 3478,
                transport: 'udp',
                secret: 'a-long-shared-secret',
              },
            ],
          },
        },
      },
    });
  });
  after(() => herald.stop());

  it('lists STUN and TURN, the TURN entry with restricted credentials that expire', async () => {
    const alice = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'alice',
      password: DEMO_PASSWORD,
    });
    try {
      const info = await alice.iqCaller.request(
        xml(
          'iq',
          { type: 'get', to: 'localhost' },
          xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
        ),
      );
      assert.ok(
        info
          .getChild('query')
          ?.getChildren('feature')
          .some((f) => f.attrs.var === 'urn:xmpp:extdisco:2'),
      );
      const reply = await alice.iqCaller.request(
        xml('iq', { type: 'get', to: 'localhost' }, xml('services', { xmlns: 'urn:xmpp:extdisco:2' })),
      );
      const services = reply.getChild('services')?.getChildren('service') ?? [];
      assert.deepEqual(
        services.map((s) => s.attrs.type),
        ['stun', 'turn'],
      );
      const turn = services[1];
      assert.equal(turn?.attrs.restricted, '1');
      assert.match(turn?.attrs.username ?? '', /^\d+:alice$/);
      assert.ok(Date.parse(turn?.attrs.expires ?? '') > Date.now());
      assert.equal(services[0]?.attrs.password, undefined, 'STUN needs no credentials');
    } finally {
      await alice.stop();
    }
  });
});
