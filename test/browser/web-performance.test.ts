/**
 * Figures for docs/performance.md: the gzipped JavaScript bundle (< 300 KB), first-load scripting
 * time on localhost (< 1 s, Chrome's ScriptDuration and the Performance API), and a 1,000-contact
 * roster that scrolls smoothly because the list is windowed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import xml from '@xmpp/xml';
import type { Browser } from 'playwright-core';
import { allowSelfSigned, xmppJs } from '../support/xmpp-clients.js';
import {
  DEMO_PASSWORD,
  ensureWebBuilt,
  launchChromium,
  skipReason,
  startWebServer,
  type WebServer,
} from './web-server.js';

const skip = skipReason();
if (skip) console.log(`# SKIP ${skip}`);
const assets = join(import.meta.dirname, '..', '..', 'web', 'dist', 'assets');

describe('web client performance', { skip: skip ?? false, timeout: 180_000 }, () => {
  let web: WebServer;
  let browser: Browser;
  before(async () => {
    await ensureWebBuilt();
    web = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
  });

  test('the JavaScript bundle is under 300 KB gzipped', () => {
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
    console.log(`# bundle: ${js.length} file(s), ${(gz / 1024).toFixed(1)} KB gzipped`);
    assert.ok(gz < 300 * 1024, `${gz} bytes gzipped`);
  });

  test('first load spends under 1 s scripting', async () => {
    const page = await (await browser.newContext()).newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(web.url);
    await page.getByLabel('Username').waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('herald:first-screen').length > 0);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const script = metrics.find((m) => m.name === 'ScriptDuration')?.value ?? Number.NaN;
    const firstScreen = await page.evaluate(
      () => performance.getEntriesByName('herald:first-screen')[0]!.startTime,
    );
    console.log(
      `# first load: ${(script * 1000).toFixed(0)} ms scripting, first screen at ${firstScreen.toFixed(0)} ms`,
    );
    assert.ok(script < 1, `${script} s of scripting`);
    await page.context().close();
  });

  test('1,000 contacts: the list stays windowed and scrolls without long frames', async () => {
    allowSelfSigned();
    const service = `xmpp://127.0.0.1:${web.server.ports.xmpp}`;
    const alice = await xmppJs({ service, username: 'alice', password: DEMO_PASSWORD });
    // The server's roster limit is 1,000 items; alice has 3 demo contacts.
    for (let batch = 0; batch < 997; batch += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, 997 - batch) }, (_, i) =>
          alice.iqCaller.request(
            xml(
              'iq',
              { type: 'set' },
              xml(
                'query',
                { xmlns: 'jabber:iq:roster' },
                xml(
                  'item',
                  { jid: `person${batch + i}@localhost`, name: `Person ${batch + i}` },
                  xml('group', {}, 'Load'),
                ),
              ),
            ),
          ),
        ),
      );
    }
    await alice.stop();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(web.url);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Person 0', { exact: true }).first().waitFor({ timeout: 20_000 });
    const rendered = await page.locator('.list li').count();
    assert.ok(rendered < 60, `${rendered} rows in the DOM for 1,000+ contacts`);
    // Runs in the page (a string, so the Node-typed test needs no DOM types).
    const frames = (await page.evaluate(`(async () => {
      const list = document.querySelector('.list');
      const gaps = [];
      let last = performance.now();
      for (let i = 0; i < 120; i++) {
        list.scrollTop += 400;
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      gaps.sort((a, b) => a - b);
      return { p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1] };
    })()`)) as { p95: number; max: number };
    console.log(
      `# 1,000 contacts: ${rendered} rows rendered; scroll frame p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`,
    );
    assert.ok(frames.p95 < 50, `p95 frame ${frames.p95} ms`);
    await page.context().close();
  });
});
