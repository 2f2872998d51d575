/**
 * RFC 3261 §25.1 host grammar: IPv4address, IPv6reference and hostname told apart, bad literals refused.
 * https://www.rfc-editor.org/rfc/rfc3261#section-25.1
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHost, hostKey, isIPv4 } from './ip-address.js';

describe('isIPv4', () => {
  it('takes four decimal octets of 1 to 3 digits, each at most 255', () => {
    for (const good of ['0.0.0.0', '127.0.0.1', '192.0.2.255', '255.255.255.255', '010.001.1.1'])
      assert.equal(isIPv4(good), true, good);
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1.2.3.256',
      '1.2.3.999',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.4 ',
      '1.2.3.0004',
      '1.2.3.a',
      '+1.2.3.4',
      'example.com',
    ])
      assert.equal(isIPv4(bad), false, JSON.stringify(bad));
  });
});

describe('classifyHost', () => {
  it('tells IPv4, bracketed IPv6 and hostnames apart, and refuses bad ones', () => {
    assert.equal(classifyHost('192.0.2.1'), 'ipv4');
    assert.equal(classifyHost('[2001:db8::1]'), 'ipv6');
    assert.equal(classifyHost('atlanta.example.com'), 'hostname');
    assert.equal(classifyHost('[2001:db8::1'), undefined);
    assert.equal(classifyHost('1.2.3.256'), undefined, 'a bad IPv4 literal is no hostname either');
  });

  it('gives one key for the text forms of one IPv6 address (RFC 5952 §4)', () => {
    assert.equal(hostKey('[2001:DB8:0:0:0:0:0:1]'), hostKey('[2001:db8::1]'));
    assert.equal(hostKey('Atlanta.Example.COM'), 'atlanta.example.com');
  });
});
