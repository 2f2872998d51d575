import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { loadConfig } from './config.js';
import { isHeraldError } from './errors.js';

const pingOptions = Type.Object({
  intervalSeconds: Type.Integer({ default: 60, minimum: 5, maximum: 3600 }),
});

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'herald-config-')), 'herald.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isHeraldError(error, 'HERALD_ERR_CONFIG'), `expected a config error, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a config error');
}

describe('config', () => {
  it('no file is the embedded default, deep-frozen', () => {
    const config = loadConfig();
    assert.equal(config.domain, 'localhost');
    assert.equal(config.dataDir, './data');
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.tlsPort, 8443);
    assert.equal(config.xmpp.port, 5222);
    assert.equal(config.xmpp.tlsPort, 5223);
    assert.equal(config.sip.port, 5060);
    assert.equal(config.sip.tlsPort, 5061);
    assert.equal(config.database.url, '');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http));
  });

  it('reads YAML and lets HERALD_* variables override it, converting types', () => {
    const file = yamlFile(
      'domain: example.org\nhttp:\n  port: 8000\nmodules:\n  ping:\n    intervalSeconds: 30\n',
    );
    const config = loadConfig({
      file,
      env: {
        HERALD_HTTP_PORT: '0',
        HERALD_DATA_DIR: '/tmp/x',
        HERALD_DEMO_PASSWORD: 'ignored',
        PATH: '/bin',
      },
      modules: { ping: pingOptions },
    });
    assert.equal(config.domain, 'example.org');
    assert.equal(config.http.port, 0);
    assert.equal(config.dataDir, '/tmp/x');
    assert.deepEqual(config.modules.ping, { intervalSeconds: 30, enabled: true });
  });

  it('fills module defaults when the module is not mentioned', () => {
    const config = loadConfig({ modules: { ping: pingOptions } });
    assert.deepEqual(config.modules.ping, { intervalSeconds: 60, enabled: true });
  });

  const bad: [string, string, Record<string, string>, RegExp][] = [
    ['unknown top-level key', 'colour: blue\n', {}, /^config: colour: unknown key/],
    ['unknown nested key', 'http:\n  prot: 1\n', {}, /^config: http\.prot: unknown key/],
    ['port out of range', 'http:\n  port: 70000\n', {}, /^config: http\.port: .*65535.*\(got 70000\)/],
    ['port not a number', '', { HERALD_XMPP_PORT: 'abc' }, /^config: xmpp\.port: expected integer/],
    ['bad domain', 'domain: "Not A Domain"\n', {}, /^config: domain: /],
    ['unknown module', 'modules:\n  nosuch: {}\n', {}, /^config: modules\.nosuch: unknown key/],
    [
      'bad module option',
      'modules:\n  ping:\n    intervalSeconds: 1\n',
      {},
      /^config: modules\.ping\.intervalSeconds:/,
    ],
    [
      'unknown HERALD variable',
      '',
      { HERALD_HTTP_PROT: '1' },
      /^config: HERALD_HTTP_PROT: unknown environment/,
    ],
    ['bad log level', 'log:\n  level: loud\n', {}, /^config: log\.level: /],
    ['YAML that is not a mapping', '- a\n- b\n', {}, /must be a mapping/],
    ['broken YAML', 'http: [\n', {}, /is not valid YAML/],
  ];
  for (const [name, text, env, expected] of bad) {
    it(`refuses ${name} with one line naming the key`, () => {
      const message = configError(() =>
        loadConfig({ file: yamlFile(text), env, modules: { ping: pingOptions } }),
      );
      assert.match(message, expected);
      assert.ok(!message.includes('\n'), 'one line');
    });
  }

  it('names a missing file', () => {
    assert.match(
      configError(() => loadConfig({ file: '/nonexistent/herald.yaml' })),
      /cannot read \/nonexistent/,
    );
  });
});
