import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterHook, Hooks, handleHook, notifyHook } from './hooks.js';

describe('Hooks', () => {
  const ask = handleHook<{ n: number }, string>('test.ask');
  const shape = filterHook<{ text: string }>('test.shape');
  const told = notifyHook<string>('test.told');

  it('handle: highest priority first, first defined result wins', async () => {
    const hooks = new Hooks();
    const calls: string[] = [];
    hooks.handle(
      ask,
      () => {
        calls.push('low');
        return 'low';
      },
      -1,
    );
    hooks.handle(
      ask,
      (p) => {
        calls.push('high');
        return p.n > 1 ? 'high' : undefined;
      },
      10,
    );
    assert.equal(await hooks.run(ask, { n: 2 }), 'high');
    assert.deepEqual(calls, ['high']);
    assert.equal(await hooks.run(ask, { n: 0 }), 'low');
    assert.deepEqual(calls, ['high', 'high', 'low']);
  });

  it('handle: nobody answering gives undefined; equal priorities keep registration order', async () => {
    const hooks = new Hooks();
    assert.equal(await hooks.run(ask, { n: 1 }), undefined);
    hooks.handle(ask, () => 'first');
    hooks.handle(ask, () => 'second');
    assert.equal(await hooks.run(ask, { n: 1 }), 'first');
  });

  it('filter: transforms in order and null drops', async () => {
    const hooks = new Hooks();
    hooks.filter(shape, (p) => ({ text: `${p.text}b` }), 5);
    hooks.filter(shape, (p) => (p.text.includes('drop') ? null : { text: `${p.text}c` }), 1);
    assert.deepEqual(await hooks.apply(shape, { text: 'a' }), { text: 'abc' });
    assert.equal(await hooks.apply(shape, { text: 'drop' }), null);
  });

  it('notify: a failing listener is reported and the others still run', async () => {
    const errors: string[] = [];
    const hooks = new Hooks((name, error) => errors.push(`${name}: ${(error as Error).message}`));
    const seen: string[] = [];
    hooks.on(
      told,
      () => {
        throw new Error('boom');
      },
      1,
    );
    hooks.on(told, (p) => {
      seen.push(p);
    });
    await hooks.notify(told, 'x');
    assert.deepEqual(seen, ['x']);
    assert.deepEqual(errors, ['test.told: boom']);
  });

  it('unhook removes only that handler, even during a run', async () => {
    const hooks = new Hooks();
    const seen: string[] = [];
    const off = hooks.on(told, () => {
      seen.push('a');
      off();
    });
    hooks.on(told, () => {
      seen.push('b');
    });
    await hooks.notify(told, '1');
    await hooks.notify(told, '2');
    assert.deepEqual(seen, ['a', 'b', 'b']);
    assert.equal(hooks.count(told), 1);
  });
});
