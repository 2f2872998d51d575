import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { findViolations } from './check-deps.js';
import { checkImport } from './dependency-rules.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'herald-deps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('dependency rules (DESIGN.md)', () => {
  const cases: [string, string, boolean, boolean][] = [
    // from, to, external, allowed
    ['src/xmpp/router.ts', 'src/core/presence/presence-engine.ts', false, true],
    ['src/xmpp/router.ts', 'src/sip/proxy.ts', false, false],
    ['src/sip/features/message.ts', 'src/http/server.ts', false, false],
    ['src/xmpp/features/roster.ts', 'src/infra/store/sql/sql-store.ts', false, false],
    ['src/core/identity/account-service.ts', 'src/kernel/errors.ts', false, true],
    ['src/core/identity/account-service.ts', 'src/infra/store/memory/memory-store.ts', false, false],
    ['src/core/messaging/message-service.ts', 'node:net', true, false],
    ['src/core/messaging/message-service.ts', 'kysely', true, false],
    ['src/core/messaging/message-service.ts', 'fastify', true, false],
    ['src/core/identity/scram.ts', 'node:crypto', true, true],
    ['src/xmpp/wire/element.ts', 'saxes', true, true],
    ['src/xmpp/wire/element.ts', 'src/kernel/errors.ts', false, false],
    ['src/xmpp/wire/element.ts', 'src/xmpp/wire/parser.ts', false, true],
    ['src/sip/wire/message.ts', 'node:net', true, false],
    ['src/sip/wire/rfc3863-pidf.ts', 'src/xml/element.ts', false, true],
    ['src/xml/element.ts', 'src/kernel/errors.ts', false, false],
    ['src/xml/safe-xml-parser.ts', 'saxes', true, true],
    ['src/xml/safe-xml-parser.ts', 'node:fs', true, false],
    ['src/core/presence/compose.ts', 'src/xml/element.ts', false, false],
    ['src/phone-xml/menu.ts', 'src/xml/element.ts', false, true],
    ['src/infra/store/sql/sql-store.ts', 'src/core/ports.ts', false, true],
    ['src/infra/store/sql/sql-store.ts', 'src/core/identity/account-service.ts', false, false],
    ['src/kernel/hooks.ts', 'src/core/ports.ts', false, false],
    ['src/http/server.ts', 'src/main/server.ts', false, false],
    ['src/main/server.ts', 'src/http/server.ts', false, true],
    ['web/src/app.tsx', 'src/http/contract/api.ts', false, true],
    ['web/src/app.tsx', 'src/core/ports.ts', false, false],
  ];
  for (const [from, to, external, allowed] of cases) {
    it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(checkImport(from, to, external) === null, allowed);
    });
  }

  it('finds a deliberately wrong import in a tree, and the CLI exits 1 on it', () => {
    const root = tree({
      'src/core/presence/compose.ts': "import { x } from '../../xmpp/router.js';\nexport const y = x;\n",
      'src/xmpp/router.ts': "import type { Z } from '../sip/proxy.js';\nexport const x: Z = 1;\n",
      'src/sip/proxy.ts': 'export type Z = number;\n',
    });
    try {
      const found = findViolations(root).map((v) => `${v.from} → ${v.to}`);
      assert.deepEqual(found.sort(), [
        'src/core/presence/compose.ts → src/xmpp/router.ts',
        'src/xmpp/router.ts → src/sip/proxy.ts',
      ]);
      const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-deps.ts', root], {
        encoding: 'utf8',
      });
      assert.equal(cli.status, 1);
      assert.match(cli.stderr, /an adapter never imports another adapter/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the project itself keeps the rules', () => {
    assert.deepEqual(findViolations(process.cwd()), []);
  });
});
