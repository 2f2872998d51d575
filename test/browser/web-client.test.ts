/**
 * The Personal Communicator in real headless Chromium against a real in-process Herald: sign-in
 * (SCRAM over RFC 7395 WebSocket), presence, chat with typing and receipts, carbons on a second
 * device, offline delivery, a dropped WebSocket, add/accept a contact, and axe-core on each screen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { assertAccessible, BrowserPages, type PageOptions, screenshot } from './browser-pages.js';
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

describe('web client', { skip: skip ?? false, timeout: 240_000 }, () => {
  let web: WebServer;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    await ensureWebBuilt();
    web = await startWebServer();
    browser = await launchChromium();
    pages = new BrowserPages(browser, web.url);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await web?.stop();
  });

  const newPage = (options?: PageOptions) => pages.newPage(options);
  const signIn = (page: Page, username: string, password?: string) => pages.signIn(page, username, password);
  const signedIn = (username: string, options?: PageOptions) => pages.signedIn(username, options);
  const axe = assertAccessible;
  const shot = screenshot;

  const presenceOf = (page: Page, jid: string) => page.locator(`.presence-text[data-jid="${jid}"]`).first();

  test('a wrong password is refused with a clear error', async () => {
    const page = await newPage();
    await signIn(page, 'alice', 'not-the-password');
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    await axe(page, 'sign-in');
    await shot(page, 'sign-in-error-light-desktop');
  });

  let alice: Page;
  let bob: Page;
  let alice2: Page;

  test('alice and bob sign in and see each other, and presence changes live', async () => {
    alice = await signedIn('alice');
    bob = await signedIn('bob');
    await presenceOf(alice, 'bob@localhost').getByText('Available').waitFor();
    await presenceOf(bob, 'alice@localhost').getByText('Available').waitFor();

    await bob
      .getByRole('button', { name: /Bob Brown/ })
      .first()
      .click();
    const dialog = bob.getByRole('dialog', { name: 'Set your status' });
    await dialog.getByLabel('Do not disturb').check();
    await dialog.getByLabel('Note').fill('Writing the quarterly report');
    await dialog.getByRole('button', { name: 'Set status' }).focus();
    await axe(bob, 'status menu');
    await shot(bob, 'status-menu-light-desktop');
    await dialog.getByRole('button', { name: 'Set status' }).click();
    await bob.getByTestId('my-status').getByText('Do not disturb — Writing the quarterly report').waitFor();
    await presenceOf(alice, 'bob@localhost')
      .getByText('Do not disturb — Writing the quarterly report')
      .waitFor();
    await shot(alice, 'presence-light-desktop');

    const back = new Date(Date.now() + 10 * 86_400_000);
    const day = back.toISOString().slice(0, 10);
    const shown = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' }).format(back);
    await bob.getByTestId('my-status').click();
    await bob.getByRole('dialog', { name: 'Set your status' }).getByLabel('On vacation').check();
    await bob.getByLabel('Back on').fill(day);
    await bob.getByLabel('Note').fill('');
    await bob.getByRole('button', { name: 'Set status' }).click();
    await presenceOf(alice, 'bob@localhost').getByText(`On vacation until ${shown}`).waitFor();

    await bob.getByTestId('my-status').click();
    await bob.getByRole('dialog', { name: 'Set your status' }).getByLabel('Available').check();
    await bob.getByLabel('Note').fill('');
    await bob.getByRole('button', { name: 'Set status' }).click();
    await presenceOf(alice, 'bob@localhost')
      .getByText(/^Available$/)
      .waitFor();
  });

  test('chat both ways with typing, receipts and carbons on a second device, then a correction', async () => {
    alice2 = await signedIn('alice');
    await alice.getByRole('button', { name: /^Bob Brown/ }).click();
    await bob.getByRole('button', { name: /^Alice Anderson/ }).click();
    await alice2.getByRole('button', { name: /^Bob Brown/ }).click();

    const composer = alice.getByLabel('Message to Bob Brown');
    await composer.pressSequentially('Hello Bob', { delay: 20 });
    await bob.getByText('Alice Anderson is typing…').waitFor();
    await composer.press('Enter');
    await bob.getByRole('log').getByText('Hello Bob').waitFor();
    await alice
      .getByRole('log')
      .locator('.msg.mine', { hasText: 'Hello Bob' })
      .getByText('Delivered')
      .waitFor();
    assert.equal(await bob.getByText('Alice Anderson is typing…').count(), 0);
    // XEP-0280: the copy of what alice sent from her first tab.
    await alice2.getByRole('log').locator('.msg.mine', { hasText: 'Hello Bob' }).waitFor();

    await bob.getByLabel('Message to Alice Anderson').fill('Hi Alice, lunch at noon?');
    await bob.getByLabel('Message to Alice Anderson').press('Enter');
    await alice.getByRole('log').getByText('Hi Alice, lunch at noon?').waitFor();
    await alice2.getByRole('log').getByText('Hi Alice, lunch at noon?').waitFor();

    // XEP-0308: ArrowUp edits the last message.
    await composer.press('ArrowUp');
    await composer.fill('Hello Bob!');
    await composer.press('Enter');
    await bob
      .getByRole('log')
      .locator('.msg', { hasText: 'Hello Bob!' })
      .getByText(/edited/)
      .waitFor();
    await alice2.getByRole('log').getByText('Hello Bob!').waitFor();
    await axe(alice, 'chat');
    await shot(alice, 'chat-light-desktop');
  });

  test('a message to a hidden tab raises a desktop notification', async () => {
    const page = await newPage();
    // Observe the Notification API and hide the tab (headless Chromium cannot minimise a window).
    await page.addInitScript(`
      window.__notes = [];
      window.Notification = class { static permission = 'granted';
        static requestPermission() { return Promise.resolve('granted'); }
        constructor(title, options) { window.__notes.push({ title, body: options && options.body }); } };
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    `);
    await signIn(page, 'alice');
    await page.getByTestId('my-status').waitFor();
    await presenceOf(page, 'bob@localhost').getByText('Available').waitFor();
    await bob.getByLabel('Message to Alice Anderson').fill('Are you there?');
    await bob.getByLabel('Message to Alice Anderson').press('Enter');
    await page.waitForFunction('window.__notes.length > 0');
    const notes = await page.evaluate('window.__notes');
    assert.deepEqual(notes, [{ title: 'Bob Brown', body: 'Are you there?' }]);
    assert.match(await page.title(), /^\(1\) Herald$/);
    await page.context().close();
  });

  test('a reload keeps you signed in without the password being stored', async () => {
    await alice2.reload();
    await alice2.getByTestId('my-status').waitFor();
    await presenceOf(alice2, 'bob@localhost').getByText('Available').waitFor();
    const stored = await alice2.evaluate(() => {
      const g = globalThis as unknown as { localStorage: { getItem(k: string): string | null } };
      return g.localStorage.getItem('herald.session') ?? '';
    });
    assert.match(stored, /"token"/);
    assert.ok(!stored.includes(DEMO_PASSWORD), 'the password is not in localStorage');
  });

  test('a message sent while bob is offline is shown at his next sign-in', async () => {
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await bob.getByLabel('Username').waitFor();
    await presenceOf(alice, 'bob@localhost').getByText('Offline').waitFor();
    await alice.getByLabel('Message to Bob Brown').fill('Call me when you are back');
    await alice.getByLabel('Message to Bob Brown').press('Enter');
    bob = await signedIn('bob');
    await bob.getByRole('tab', { name: /Chats/ }).click();
    await bob
      .getByRole('button', { name: /Alice Anderson/ })
      .last()
      .click();
    await bob.getByRole('log').getByText('Call me when you are back').waitFor();
    await bob
      .getByText(/sent while you were away/)
      .first()
      .waitFor();
  });

  test('a new session shows the conversation history from the archive (MAM)', async () => {
    const page = await signedIn('alice');
    await page.getByRole('button', { name: /^Bob Brown/ }).click();
    const log = page.getByRole('log');
    // Both directions, from sessions that are gone, with the correction applied as sent.
    await log.locator('.msg.theirs', { hasText: 'Hi Alice, lunch at noon?' }).waitFor();
    await log.locator('.msg.mine', { hasText: 'Call me when you are back' }).waitFor();
    await log
      .locator('.msg.mine', { hasText: 'Hello Bob!' })
      .getByText(/edited/)
      .waitFor();
    assert.equal(
      await log.getByText('Hello Bob', { exact: true }).count(),
      0,
      'the corrected text is replaced',
    );
    await page.context().close();
  });

  test('a dropped WebSocket reconnects by itself and says so', async () => {
    const page = await newPage();
    const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    await page.context().routeWebSocket(/xmpp-websocket/, (ws) => {
      sockets.push({ page: ws, server: ws.connectToServer() });
    });
    await signIn(page, 'carol');
    await page.getByTestId('my-status').waitFor();
    await presenceOf(page, 'alice@localhost').getByText('Available').waitFor();
    // Both ends drop, as when the network goes away.
    for (const ws of sockets.splice(0)) {
      await ws.server.close({ code: 4000, reason: 'network' });
      await ws.page.close({ code: 4000, reason: 'network' });
    }
    await page
      .getByText(/Reconnect/)
      .first()
      .waitFor();
    await page.getByText(/^Reconnected/).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /^Alice Anderson/ }).click();
    await page.getByLabel('Message to Alice Anderson').fill('Back online');
    await page.getByLabel('Message to Alice Anderson').press('Enter');
    await alice.getByRole('tab', { name: /Chats/ }).click();
    await alice
      .getByRole('button', { name: /Carol Clark/ })
      .last()
      .waitFor();
  });

  test('remove a contact, find them in the directory, request and accept', async () => {
    const dave = await signedIn('dave');
    const carol = await signedIn('carol');
    await carol.getByRole('button', { name: 'More for Dave Davis' }).click();
    await carol.getByRole('menuitem', { name: 'Remove' }).click();
    await carol.getByRole('button', { name: /^Dave Davis/ }).waitFor({ state: 'detached' });
    await carol.getByRole('button', { name: 'Add a contact' }).click();
    await carol.getByLabel('Search the directory').fill('Dave');
    const dialog = carol.getByRole('dialog', { name: 'Add a contact' });
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.getByText('Request sent to Dave Davis.').waitFor();
    await axe(carol, 'add contact');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const request = dave.getByRole('region', { name: 'Contact requests' });
    await request.getByText('carol@localhost').waitFor();
    await request.getByRole('button', { name: 'Accept' }).click();
    await presenceOf(carol, 'dave@localhost').getByText('Available').waitFor();
  });

  test('screenshots of each main screen, light and dark, desktop and phone', async () => {
    for (const dark of [false, true])
      for (const phone of [false, true]) {
        const suffix = `${dark ? 'dark' : 'light'}-${phone ? 'phone' : 'desktop'}`;
        const page = await newPage({ dark, phone });
        await page.goto(web.url);
        await page.getByLabel('Username').waitFor();
        await shot(page, `sign-in-${suffix}`);
        await signIn(page, 'alice');
        await presenceOf(page, 'bob@localhost').waitFor();
        await page.waitForTimeout(300);
        await shot(page, `contacts-${suffix}`);
        await axe(page, `contacts ${suffix}`);
        await page.getByRole('button', { name: /^Bob Brown/ }).click();
        // No MAM yet: this new session sees only what arrives now.
        await bob.getByLabel('Message to Alice Anderson').fill(`Are we still on for lunch? (${suffix})`);
        await bob.getByLabel('Message to Alice Anderson').press('Enter');
        await page.getByRole('log').getByText(`Are we still on for lunch? (${suffix})`).waitFor();
        await page.getByLabel('Message to Bob Brown').fill('Yes, see you at noon in the lobby');
        await page.getByLabel('Message to Bob Brown').press('Enter');
        await page.getByRole('log').getByText('Delivered').last().waitFor();
        await shot(page, `chat-${suffix}`);
        await axe(page, `chat ${suffix}`);
        await page.context().close();
      }
  });
});
