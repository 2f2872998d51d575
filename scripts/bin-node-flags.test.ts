import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HERALD_NODE_FLAGS } from '../bin/node-flags.mjs';

const bin = join(import.meta.dirname, '..', 'bin', 'herald.mjs');

describe('the herald command’s Node flags', () => {
  it('the #! line of bin/herald.mjs carries exactly bin/node-flags.mjs’s flags', () => {
    const shebang = readFileSync(bin, 'utf8').split('\n')[0];
    assert.equal(shebang, `#!/usr/bin/env -S node ${HERALD_NODE_FLAGS.join(' ')}`);
  });

  it('bin/herald.mjs is executable, so that its #! line is what runs it', () => {
    assert.ok((statSync(bin).mode & 0o111) !== 0);
  });
});
