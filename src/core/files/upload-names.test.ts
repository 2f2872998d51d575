import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFilename, mediaTypeEssence, uploadPath } from './upload-names.js';

describe('upload names (XEP-0363 §4)', () => {
  const essences: [string, string | null][] = [
    ['image/jpeg', 'image/jpeg'],
    ['Image/JPEG', 'image/jpeg'],
    ['text/plain; charset=utf-8', 'text/plain'],
    ['application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.text'],
    ['image/svg+xml', 'image/svg+xml'],
    ['text', null],
    ['text/', null],
    ['/plain', null],
    ['text/plain/x', null],
    ['text/pl ain', null],
    ['', null],
    [`a/${'b'.repeat(255)}`, null],
  ];
  for (const [value, essence] of essences)
    it(`the essence of ${JSON.stringify(value.slice(0, 40))} is ${essence}`, () => {
      assert.equal(mediaTypeEssence(value), essence);
    });

  it('keeps names with spaces, accents and emoji, percent-encoding them in the path', () => {
    for (const name of ['my juliet.jpg', 'Ünïcödé.pdf', 'rose 🌹.png', "o'brien (1).txt"])
      assert.equal(checkFilename(name), null, name);
    assert.equal(uploadPath('abc', 'rose 🌹.png'), '/upload/abc/rose%20%F0%9F%8C%B9.png');
  });
});
