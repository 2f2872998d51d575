import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHoldOffer } from './rfc3264-hold.js';

const sdp = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);
const base = ['v=0', 'o=bob 2890844527 2890844528 IN IP4 192.0.2.4', 's=-', 'c=IN IP4 192.0.2.4', 't=0 0'];
const audio = (direction?: string, port = 49170) => [
  `m=audio ${port} RTP/AVP 0`,
  'a=rtpmap:0 PCMU/8000',
  ...(direction ? [`a=${direction}`] : []),
];
const SDP = 'application/sdp';

describe('RFC 3264 §8.4 hold offers', () => {
  const table: [string, Buffer, boolean][] = [
    ['sendrecv audio is no hold', sdp([...base, ...audio('sendrecv')]), false],
    ['no direction (sendrecv by default) is no hold', sdp([...base, ...audio()]), false],
    ['sendonly audio holds', sdp([...base, ...audio('sendonly')]), true],
    ['inactive audio holds', sdp([...base, ...audio('inactive')]), true],
    ['a session-level sendonly holds every stream', sdp([...base, 'a=sendonly', ...audio()]), true],
    [
      'a media-level sendrecv beats a session-level sendonly',
      sdp([...base, 'a=sendonly', ...audio('sendrecv')]),
      false,
    ],
    [
      'audio held but video still flowing is no hold',
      sdp([...base, ...audio('sendonly'), 'm=video 51372 RTP/AVP 31', 'a=sendrecv']),
      false,
    ],
    [
      'a rejected stream (port 0) does not count',
      sdp([...base, ...audio('sendonly'), 'm=video 0 RTP/AVP 31']),
      true,
    ],
    ['RFC 2543 hold: c=0.0.0.0', sdp([...base.slice(0, 3), 'c=IN IP4 0.0.0.0', 't=0 0', ...audio()]), true],
    ['garbage is no hold', Buffer.from('not sdp at all'), false],
    ['an empty body is no hold', Buffer.alloc(0), false],
  ];
  for (const [name, body, expected] of table) it(name, () => assert.equal(isHoldOffer(body, SDP), expected));

  it('a body that is not SDP holds nothing', () => {
    assert.equal(isHoldOffer(sdp([...base, ...audio('sendonly')]), 'text/plain'), false);
    assert.equal(isHoldOffer(sdp([...base, ...audio('sendonly')]), undefined), false);
  });
});
