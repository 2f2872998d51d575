import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { addressesOf, SipDomain } from './sip-domain.js';

const domain = (ports: readonly number[] = [5060, 5061]) =>
  new SipDomain({
    name: 'Example.COM',
    aliases: ['pbx.example.com'],
    addresses: ['192.0.2.10', '2001:db8::10'],
    ports: () => ports,
  });

describe('SipDomain', () => {
  it('serves its name and aliases whatever the case and the port', () => {
    const d = domain();
    assert.equal(d.name, 'Example.COM');
    assert.equal(d.serves('example.com', undefined), true);
    assert.equal(d.serves('EXAMPLE.com', 5080), true);
    assert.equal(d.serves('pbx.example.com', undefined), true);
    assert.equal(d.serves('PBX.Example.Com', 7000), true);
  });

  it('serves its own addresses with no port or one of its ports only', () => {
    const d = domain();
    assert.equal(d.serves('192.0.2.10', undefined), true);
    assert.equal(d.serves('192.0.2.10', 5060), true);
    assert.equal(d.serves('192.0.2.10', 5061), true);
    // Another server on the same host.
    assert.equal(d.serves('192.0.2.10', 5080), false);
  });

  it('reads an IPv6 reference with or without its brackets', () => {
    const d = domain();
    assert.equal(d.serves('[2001:DB8::10]', undefined), true);
    assert.equal(d.serves('[2001:db8::10]', 5060), true);
    assert.equal(d.isOwnHost('2001:db8::10'), true);
  });

  it('serves nothing else', () => {
    const d = domain();
    assert.equal(d.serves('example.org', undefined), false);
    assert.equal(d.serves('sub.example.com', undefined), false);
    assert.equal(d.serves('192.0.2.11', undefined), false);
    assert.equal(d.serves('', undefined), false);
    assert.equal(d.isOwnHost('198.51.100.1'), false);
  });

  it('asks for its ports when it needs them (the listeners bind after the modules start)', () => {
    const ports: number[] = [];
    const d = domain(ports);
    assert.equal(d.serves('192.0.2.10', 5060), false);
    ports.push(5060);
    assert.equal(d.serves('192.0.2.10', 5060), true);
    assert.equal(d.isOwnPort(5060), true);
    assert.equal(d.isOwnPort(5062), false);
  });

  it('lists its hosts, the domain first', () => {
    assert.deepEqual(domain().hosts, ['example.com', 'pbx.example.com', '192.0.2.10', '2001:db8::10']);
  });
});

describe('addressesOf', () => {
  it('is the bound address when it is one', () => {
    assert.deepEqual(addressesOf('127.0.0.1'), ['127.0.0.1']);
    assert.deepEqual(addressesOf('::1'), ['::1']);
  });

  it('is every interface address but the link-local IPv6 ones for a wildcard', () => {
    const expected = Object.values(networkInterfaces())
      .flatMap((infos) => infos ?? [])
      .map((info) => info.address)
      .filter((address) => !address.toLowerCase().startsWith('fe80:'));
    assert.deepEqual(addressesOf('0.0.0.0'), expected);
    assert.deepEqual(addressesOf('::'), expected);
    assert.ok(addressesOf('0.0.0.0').includes('127.0.0.1'));
  });
});
