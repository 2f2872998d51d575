/**
 * What the browser tests do on every page: open a context at phone or desktop width in light or
 * dark, sign in as a demo user, check the screen with axe-core (no serious or critical
 * violations), and save a screenshot to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from './web-server.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
/** Each step's bound (a loaded 2-core machine). */
export const STEP_TIMEOUT = 15_000;

export interface PageOptions {
  readonly phone?: boolean;
  readonly dark?: boolean;
}

export class BrowserPages {
  readonly #contexts: BrowserContext[] = [];

  constructor(
    readonly browser: Browser,
    /** The web client's URL. */
    readonly url: string,
  ) {}

  async newPage(options: PageOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({
      viewport: options.phone ? { width: 390, height: 780 } : { width: 1280, height: 800 },
      colorScheme: options.dark ? 'dark' : 'light',
      // The client asks for notifications at the first message sent; a prompt would stall input.
      permissions: ['notifications'],
    });
    this.#contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    return page;
  }

  async signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
    await page.goto(this.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** A new page signed in as `username` (demo password), once the status menu shows. */
  async signedIn(username: string, options: PageOptions = {}): Promise<Page> {
    const page = await this.newPage(options);
    await this.signIn(page, username);
    await page.getByTestId('my-status').waitFor();
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.#contexts) await context.close().catch(() => {});
  }
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const w = globalThis as unknown as {
      axe: {
        run(): Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }>;
      };
    };
    return (await w.axe.run()).violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      n: v.nodes.length,
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe on ${screen}: ${JSON.stringify(bad)}`);
}

/** Saves docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}
