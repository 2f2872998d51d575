import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { systemClock } from './clock.js';
import { validateConfig } from './config.js';
import { isHeraldError } from './errors.js';
import { Hooks, notifyHook } from './hooks.js';
import { sequentialIdSource } from './ids.js';
import { silentLogger } from './log.js';
import { Metrics } from './metrics.js';
import { defineModule, type ModuleDefinition } from './module.js';
import { ModuleLoader, moduleOptionSchemas, orderModules } from './module-loader.js';
import { ServiceRegistry, serviceKey } from './services.js';

const greeted = notifyHook<string>('test.greeted');
const greeter = serviceKey<{ greet(name: string): string }>('test.greeter');

function loader(modules: ModuleDefinition[], raw: unknown = {}, domains = ['a.example', 'b.example']) {
  const config = validateConfig(raw, moduleOptionSchemas(modules));
  const services = new ServiceRegistry();
  const kernel = {
    config,
    log: silentLogger(),
    metrics: new Metrics({ defaultMetrics: false }),
    clock: systemClock,
    ids: sequentialIdSource(),
    hooks: new Hooks(),
    services,
  };
  return { loader: new ModuleLoader(modules, kernel, domains), kernel };
}

async function moduleError(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    assert.ok(isHeraldError(error, 'HERALD_ERR_MODULE'), String(error));
    return error.message;
  }
  assert.fail('expected a module error');
}

describe('ModuleLoader', () => {
  it('sets up in dependency order, per domain, with options; tears down in reverse', async () => {
    const log: string[] = [];
    const base = defineModule({
      name: 'base',
      description: 'provides a greeter',
      options: Type.Object({ greeting: Type.String({ default: 'hello' }) }),
      setup(ctx) {
        log.push(`setup base ${ctx.domain}`);
        ctx.provide(greeter, { greet: (n) => `${ctx.options.greeting} ${n} at ${ctx.domain}` });
        return () => {
          log.push(`teardown base ${ctx.domain}`);
        };
      },
    });
    const user = defineModule({
      name: 'user',
      description: 'uses the greeter',
      requires: ['base'],
      setup(ctx) {
        log.push(`setup user ${ctx.domain}: ${ctx.use(greeter).greet('romeo')}`);
        return () => {
          log.push(`teardown user ${ctx.domain}`);
        };
      },
    });
    const { loader: l } = loader([user, base], { modules: { base: { greeting: 'hi' } } });
    await l.start();
    assert.deepEqual(
      l.loaded.map((m) => m.name),
      ['base', 'user'],
    );
    await l.stop();
    assert.deepEqual(log, [
      'setup base a.example',
      'setup base b.example',
      'setup user a.example: hi romeo at a.example',
      'setup user b.example: hi romeo at b.example',
      'teardown user b.example',
      'teardown user a.example',
      'teardown base b.example',
      'teardown base a.example',
    ]);
  });

  it('enables a module only for the domains listed, or not at all', async () => {
    const seen: string[] = [];
    const m = defineModule({ name: 'm', description: '', setup: (ctx) => void seen.push(ctx.domain) });
    const off = defineModule({ name: 'off', description: '', setup: () => void seen.push('off') });
    const { loader: l } = loader([m, off], {
      modules: { m: { domains: ['b.example'] }, off: { enabled: false } },
    });
    await l.start();
    assert.deepEqual(seen, ['b.example']);
  });

  it('refuses a dependency that is disabled', async () => {
    const base = defineModule({ name: 'base', description: '', setup() {} });
    const user = defineModule({ name: 'user', description: '', requires: ['base'], setup() {} });
    const { loader: l } = loader([base, user], { modules: { base: { enabled: false } } });
    assert.match(await moduleError(() => l.start()), /user requires base, which is not enabled/);
  });

  it('refuses unknown dependencies, cycles and duplicate names', () => {
    const a = defineModule({ name: 'a', description: '', requires: ['b'], setup() {} });
    const b = defineModule({ name: 'b', description: '', requires: ['a'], setup() {} });
    const c = defineModule({ name: 'c', description: '', requires: ['zzz'], setup() {} });
    assert.throws(() => orderModules([a, b]), /cycle: a → b → a/);
    assert.throws(() => orderModules([c]), /requires unknown module zzz/);
    assert.throws(() => orderModules([c, c]), /defined twice/);
  });

  it('a second owner of a service fails at start, and what was set up is torn down', async () => {
    const torn: string[] = [];
    const one = defineModule({
      name: 'one',
      description: '',
      setup(ctx) {
        ctx.provide(greeter, { greet: () => '1' });
        return () => void torn.push('one');
      },
    });
    const two = defineModule({
      name: 'two',
      description: '',
      setup: (ctx) => ctx.provide(greeter, { greet: () => '2' }),
    });
    const { loader: l } = loader([one, two], {}, ['a.example']);
    assert.match(await moduleError(() => l.start()), /already provided by one; two cannot/);
    assert.deepEqual(torn, ['one']);
  });

  it('modules talk through hooks', async () => {
    const heard: string[] = [];
    const listener = defineModule({
      name: 'listener',
      description: '',
      setup: (ctx) => ctx.hooks.on(greeted, (name) => void heard.push(`${ctx.domain}:${name}`)),
    });
    const { loader: l, kernel } = loader([listener], {}, ['a.example']);
    await l.start();
    await kernel.hooks.notify(greeted, 'juliet');
    await l.stop();
    await kernel.hooks.notify(greeted, 'nurse');
    assert.deepEqual(heard, ['a.example:juliet']);
  });

  it('refuses a module name that is not kebab-case', () => {
    assert.throws(() => defineModule({ name: 'Bad_Name', description: '', setup() {} }), /kebab-case/);
  });
});
