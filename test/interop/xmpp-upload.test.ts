/**
 * XEP-0363 HTTP File Upload with xmpp.js and Node's fetch: alice finds the service and its
 * maximum in the server's disco#info, asks for a slot, PUTs the bytes to Herald's HTTPS
 * listener and GETs them back; too large, reused, forged and wrong-sized uploads are refused.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, type XmppJsClient, xmppJs } from '../support/xmpp-clients.js';

const NS = 'urn:xmpp:http:upload:0';
const MAX = 50 * 1024 * 1024;

interface Slot {
  readonly put: string;
  readonly get: string;
}

describe('XEP-0363 HTTP File Upload with xmpp.js', () => {
  let herald: TestServer;
  let alice: XmppJsClient;

  const requestSlot = async (filename: string, size: number, contentType?: string): Promise<Slot> => {
    const reply = await alice.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('request', { xmlns: NS, filename, size: String(size), 'content-type': contentType }),
      ),
    );
    const slot = reply.getChild('slot', NS);
    return { put: slot?.getChild('put')?.attrs.url ?? '', get: slot?.getChild('get')?.attrs.url ?? '' };
  };
  const put = (url: string, body: string, contentType?: string) =>
    fetch(url, { method: 'PUT', body, headers: contentType ? { 'content-type': contentType } : {} });
  const storedFiles = () => readdirSync(join(herald.dataDir, 'uploads')).filter((name) => name !== 'tmp');

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
    alice = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'alice',
      password: DEMO_PASSWORD,
    });
  });
  after(async () => {
    await alice.stop().catch(() => {});
    await herald.stop();
  });

  it('§3: the server’s disco#info has the feature and the maximum file size as an XEP-0128 form', async () => {
    const info = await alice.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const query = info.getChild('query');
    assert.ok(query?.getChildren('feature').some((f) => f.attrs.var === NS));
    const form = query?.getChildren('x', 'jabber:x:data').find((x) => formField(x, 'FORM_TYPE') === NS);
    assert.ok(form, 'an upload form');
    assert.equal(form.attrs.type, 'result');
    assert.equal(formField(form, 'max-file-size'), String(MAX));
  });

  it('§4, §6: a slot on the HTTPS listener takes the PUT (201) and serves the bytes back', async () => {
    const body = 'Wherefore art thou, Romeo? ✉';
    const size = Buffer.byteLength(body);
    const slot = await requestSlot('balcony scene.txt', size, 'text/plain');
    const origin = `https://localhost:${herald.ports.https}/upload/`;
    assert.ok(slot.put.startsWith(origin) && slot.get.startsWith(origin), `${slot.put} ${slot.get}`);
    assert.ok(slot.put.endsWith('/balcony%20scene.txt'));
    assert.notEqual(slot.put, slot.get, 'the GET URL cannot be used to write');

    assert.equal((await put(slot.put, body, 'text/plain')).status, 201);
    const got = await fetch(slot.get);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), body);
    assert.equal(got.headers.get('content-type'), 'text/plain');
    assert.equal(got.headers.get('content-length'), String(size));
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.match(got.headers.get('content-disposition') ?? '', /^attachment; filename="balcony scene.txt"/);
    const head = await fetch(slot.get, { method: 'HEAD' });
    assert.deepEqual([head.status, head.headers.get('content-length')], [200, String(size)]);
    assert.equal((await fetch(slot.put)).status, 404, 'the PUT token names no file');
  });

  it('uploaded HTML is an attachment under a sandboxing CSP; a PNG is shown inline', async () => {
    const html = '<script>alert(document.cookie)</script>';
    const page = await requestSlot('evil.html', html.length, 'text/html');
    assert.equal((await put(page.put, html, 'text/html')).status, 201);
    const served = await fetch(page.get);
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/);
    const csp = served.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /sandbox/);

    const image = await requestSlot('rose.png', 4, 'image/png');
    assert.equal((await put(image.put, 'PNG!', 'image/png')).status, 201);
    assert.match((await fetch(image.get)).headers.get('content-disposition') ?? '', /^inline;/);
  });

  it('§5: a file over the maximum is not-acceptable with <file-too-large/> naming the maximum', async () => {
    await assert.rejects(requestSlot('film.mkv', MAX + 1, 'video/x-matroska'), (error: StanzaErrorLike) => {
      assert.equal(error.condition, 'not-acceptable');
      assert.equal(error.type, 'modify');
      assert.ok(error.application?.is('file-too-large', NS));
      assert.equal(error.application?.getChildText('max-file-size'), String(MAX));
      return true;
    });
  });

  it('a request without a size is a bad request', async () => {
    await assert.rejects(
      alice.iqCaller.request(
        xml('iq', { type: 'get', to: 'localhost' }, xml('request', { xmlns: NS, filename: 'x.txt' })),
      ),
      (error: StanzaErrorLike) => error.condition === 'bad-request',
    );
  });

  it('a used or forged token is refused (403) and a forged file id is not found (404)', async () => {
    const slot = await requestSlot('once.txt', 4, 'text/plain');
    assert.equal((await put(slot.put, 'once', 'text/plain')).status, 201);
    assert.equal((await put(slot.put, 'twce', 'text/plain')).status, 403);
    assert.equal(await (await fetch(slot.get)).text(), 'once', 'the second PUT changed nothing');

    const forged = slot.put.replace(/\/upload\/[^/]+\//, `/upload/${'A'.repeat(43)}/`);
    assert.equal((await put(forged, 'fake', 'text/plain')).status, 403);
    const missing = slot.get.replace(/\/upload\/[^/]+\//, `/upload/${'B'.repeat(43)}/`);
    assert.equal((await fetch(missing)).status, 404);
    assert.equal((await fetch(slot.get.replace('once.txt', 'other.txt'))).status, 404);
  });

  it('§6: a body of another size than the slot’s is refused (400) and nothing is stored', async () => {
    const before = storedFiles();
    const slot = await requestSlot('short.txt', 10, 'text/plain');
    const refused = await put(slot.put, 'only5', 'text/plain');
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'HERALD_ERR_VALIDATION');
    assert.equal((await fetch(slot.get)).status, 404);
    assert.deepEqual(storedFiles(), before);
    // The plain HTTP listener serves the same URLs (for a TLS-terminating proxy in front).
    const path = new URL(slot.put).pathname;
    assert.equal((await put(`${herald.http}${path}`, '0123456789', 'text/plain')).status, 201);
  });

  it('a Content-Type other than the slot’s is refused (415)', async () => {
    const slot = await requestSlot('photo.jpg', 3, 'image/jpeg');
    assert.equal((await put(slot.put, 'JPG', 'text/html')).status, 415);
  });

  it('§5: past the slot rate limit, resource-constraint (wait) with a <retry/> stamp within the minute', async () => {
    let refusal: StanzaErrorLike | undefined;
    for (let i = 0; i < 11 && !refusal; i++)
      refusal = await requestSlot(`burst-${i}.txt`, 1).then(
        () => undefined,
        (error: StanzaErrorLike) => error,
      );
    assert.equal(refusal?.condition, 'resource-constraint');
    assert.equal(refusal?.type, 'wait');
    assert.ok(refusal?.application?.is('retry', NS));
    const stamp = refusal?.application?.attrs.stamp ?? '';
    assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const wait = Date.parse(stamp) - Date.now();
    assert.ok(wait > 0 && wait <= 61_000, `retry in ${wait} ms`);
  });
});

/** What xmpp.js rejects an IQ with: the <error/>'s condition, type and application element. */
interface StanzaErrorLike {
  readonly condition?: string;
  readonly type?: string;
  readonly application?: XmlElement;
}

function formField(form: XmlElement, name: string): string | undefined {
  return (
    form
      .getChildren('field')
      .find((field) => field.attrs.var === name)
      ?.getChildText('value') ?? undefined
  );
}
