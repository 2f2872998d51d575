/**
 * Group chat in the Personal Communicator, in real headless Chromium against a real in-process
 * Herald: alice turns her 1:1 chat with bob into a room (POST /api/v1/rooms/escalate) and invites
 * carol; bob and carol join from the XEP-0045 §7.8.2 invitation and get the discussion history;
 * groupchat messages flow among the three with sender names; the occupant list shows roles and
 * affiliations; leaving updates it; axe-core on the room screen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, BrowserPages, type PageOptions, screenshot } from './browser-pages.js';
import { ensureWebBuilt, launchChromium, skipReason, startWebServer, type WebServer } from './web-server.js';

const skip = skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('web client group chat', { skip: skip ?? false, timeout: 240_000 }, () => {
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

  const signedIn = (username: string, options?: PageOptions) => pages.signedIn(username, options);
  const axe = assertAccessible;
  const shot = screenshot;

  const room = (page: Page) => page.getByRole('region', { name: 'Room Launch plan' });
  const log = (page: Page) => room(page).getByRole('log', { name: 'Room messages' });
  const occupants = (page: Page) => room(page).getByRole('list', { name: 'Occupants' }).getByRole('listitem');

  let alice: Page;
  let bob: Page;
  let carol: Page;

  test('alice escalates her chat with bob to a room and invites carol', async () => {
    alice = await signedIn('alice');
    bob = await signedIn('bob');
    carol = await signedIn('carol', { phone: true, dark: true });

    await alice
      .getByRole('button', { name: /Bob Brown/ })
      .first()
      .click();
    await alice.getByRole('region', { name: 'Conversation with Bob Brown' }).waitFor();
    await alice.getByRole('button', { name: 'Add people' }).click();
    const dialog = alice.getByRole('dialog', { name: /Add people/ });
    await dialog.getByLabel('Room name (optional)').fill('Launch plan');
    await dialog.getByRole('checkbox', { name: /Carol Clark/ }).check();
    await shot(alice, 'group-add-people-light-desktop');
    await dialog.getByRole('button', { name: 'Start group chat' }).click();

    await room(alice).getByRole('heading', { name: 'Launch plan' }).waitFor();
    await room(alice).getByText('1 person here').waitFor();
    assert.match((await occupants(alice).first().textContent()) ?? '', /owner · moderator/);
    await alice.getByLabel('Message to Launch plan').fill('Kick-off at ten');
    await alice.getByLabel('Message to Launch plan').press('Enter');
    await log(alice).getByText('Kick-off at ten').waitFor();
  });

  test('bob and carol see the invitation and join with the discussion history', async () => {
    const invitation = bob.getByRole('region', { name: 'Room invitations' });
    await invitation.getByText(/invites you to/).waitFor();
    await invitation.getByText('Launch plan').waitFor();
    await shot(bob, 'group-invitation-light-desktop');
    await axe(bob, 'invitation');
    await invitation.getByRole('button', { name: 'Join Launch plan' }).click();
    await log(bob).getByText('Kick-off at ten').waitFor();
    await log(bob).getByText('Alice Anderson').first().waitFor();

    await carol.getByRole('button', { name: 'Join Launch plan' }).click();
    await log(carol).getByText('Kick-off at ten').waitFor();
    await room(alice).getByText('3 people here').waitFor();
    await room(bob).getByText('3 people here').waitFor();
  });

  test('messages flow among the three, with sender names', async () => {
    await bob.getByLabel('Message to Launch plan').fill('Bob here');
    await bob.getByLabel('Message to Launch plan').press('Enter');
    await log(alice).getByText('Bob here').waitFor();
    await log(carol).getByText('Bob here').waitFor();
    await carol.getByLabel('Message to Launch plan').fill('Carol here, agreed');
    await carol.getByLabel('Message to Launch plan').press('Enter');
    await log(alice).getByText('Carol here, agreed').waitFor();
    await log(bob).getByText('Carol here, agreed').waitFor();
    await log(alice).getByText('Carol Clark').first().waitFor();
    await log(alice).getByText('Bob Brown').first().waitFor();
    // Each message once (the room's echo of our own is not doubled).
    assert.equal(await log(alice).getByText('Kick-off at ten').count(), 1);
    assert.equal(await log(bob).getByText('Bob here').count(), 1);
  });

  test('the occupant list shows the three with roles and affiliations; axe on the room', async () => {
    assert.equal(await occupants(alice).count(), 3);
    const text = (await room(alice).getByRole('list', { name: 'Occupants' }).textContent()) ?? '';
    assert.match(text, /Alice Anderson \(you\)\s*owner · moderator/);
    assert.match(text, /Bob Brown\s*member · participant/);
    assert.match(text, /Carol Clark\s*member · participant/);
    await axe(alice, 'room');
    await shot(alice, 'group-chat-light-desktop');
    await bob.getByRole('tab', { name: /Rooms/ }).click();
    await bob
      .getByRole('list', { name: 'Rooms' })
      .getByRole('button', { name: /Launch plan/ })
      .waitFor();
    await shot(bob, 'group-rooms-list-light-desktop');
    await shot(carol, 'group-chat-dark-phone');
    // At phone width the occupants are behind a toggle.
    await room(carol).getByRole('button', { name: 'People (3)' }).click();
    await occupants(carol).nth(2).waitFor();
    assert.equal(await occupants(carol).count(), 3);
    await axe(carol, 'room occupants (phone, dark)');
    await shot(carol, 'group-people-dark-phone');
    await room(carol).getByRole('button', { name: 'People (3)' }).click();
  });

  test('the owner invites dave from the room; members have no Invite button', async () => {
    assert.equal(await room(bob).getByRole('button', { name: 'Invite' }).count(), 0);
    await room(alice).getByRole('button', { name: 'Invite' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Invite people to Launch plan' });
    // Those already in the room are not offered.
    assert.equal(await dialog.getByRole('checkbox').count(), 1);
    await dialog.getByRole('checkbox', { name: /Dave Davis/ }).check();
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await room(alice).getByText('Invited Dave Davis.').waitFor();
    const dave = await signedIn('dave');
    // Dave was offline: the room's GET /api/v1/rooms lists it for him (he is now a member).
    await dave.getByRole('tab', { name: /Rooms/ }).click();
    await dave
      .getByRole('list', { name: 'Rooms' })
      .getByRole('button', { name: /Launch plan/ })
      .click();
    await log(dave).getByText('Carol here, agreed').waitFor();
    await room(alice).getByText('4 people here').waitFor();
    await room(dave).getByRole('button', { name: 'Leave' }).click();
    await room(alice).getByText('3 people here').waitFor();
  });

  test('carol leaves: the others see two occupants and the room is gone from her list', async () => {
    await room(carol).getByRole('button', { name: 'Leave' }).click();
    await room(alice).getByText('2 people here').waitFor();
    await room(bob).getByText('2 people here').waitFor();
    assert.equal(await occupants(alice).count(), 2);
    await carol.getByRole('tab', { name: /Rooms/ }).click();
    await carol.getByText('No rooms yet.', { exact: false }).waitFor();
  });

  test('a new room from the Rooms section, with an invitation to carol', async () => {
    await bob.getByRole('tab', { name: /Rooms/ }).click();
    await bob.getByRole('button', { name: 'New room' }).click();
    const dialog = bob.getByRole('dialog', { name: 'New room' });
    await dialog.getByLabel('Room name').fill('Design review');
    await dialog.getByRole('checkbox', { name: /Carol Clark/ }).check();
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await bob.getByRole('region', { name: 'Room Design review' }).getByText('1 person here').waitFor();
    await carol.getByRole('button', { name: 'Join Design review' }).waitFor();
    await axe(carol, 'invitation (phone, dark)');
    await shot(carol, 'group-invitation-dark-phone');
    await carol.getByRole('button', { name: 'Decline Design review' }).click();
    await carol.getByRole('region', { name: 'Room invitations' }).waitFor({ state: 'detached' });
  });
});
