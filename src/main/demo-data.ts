/**
 * The demo data of SPEC.md (Operator interface), made idempotently: domain users alice, bob,
 * carol and dave and an administrator admin; lines 1001–1004 in partition internal; a softphone
 * for each user and a desk phone for alice and bob; canned messages. Running it twice changes
 * nothing; with HERALD_DEMO_PASSWORD set, the demo users get that password.
 */

import { userJid } from '../core/address/jid.js';
import type { DirectoryService } from '../core/directory/directory-service.js';
import type { AccountService } from '../core/identity/account-service.js';
import { systemPrincipal } from '../core/identity/principal.js';
import type { RosterService } from '../core/roster/roster-service.js';
import { isHeraldError } from '../kernel/errors.js';

export interface DemoResult {
  /** Set when this run generated the password (to be shown once). */
  readonly generatedPassword: string | null;
  readonly createdUsers: readonly string[];
}

const PEOPLE = [
  { username: 'alice', displayName: 'Alice Anderson', line: '1001', deskMac: '00000A001001' },
  { username: 'bob', displayName: 'Bob Brown', line: '1002', deskMac: '00000B001002' },
  { username: 'carol', displayName: 'Carol Clark', line: '1003', deskMac: null },
  { username: 'dave', displayName: 'Dave Davis', line: '1004', deskMac: null },
] as const;

const CANNED = [
  "I'm in a meeting, I'll call you back",
  "Can't talk now, send me a message",
  'On my way',
  'Call me when you can',
];

const PARTITION = 'internal';

async function ignoreConflict(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (isHeraldError(error, 'HERALD_ERR_CONFLICT')) return false;
    throw error;
  }
}

export async function applyDemoData(
  services: { accounts: AccountService; directory: DirectoryService; roster: RosterService; domain: string },
  password: { given: string | undefined; generate: () => string },
): Promise<DemoResult> {
  const actor = systemPrincipal('demo data');
  const { accounts, directory } = services;
  const existing = new Set((await accounts.listUsers(actor, { limit: 500 })).users.map((u) => u.username));
  const everyone = [
    ...PEOPLE.map((p) => ({ username: p.username, displayName: p.displayName })),
    { username: 'admin', displayName: 'Administrator' },
  ];
  const missing = everyone.filter((u) => !existing.has(u.username));
  const generated = password.given === undefined && missing.length > 0 ? password.generate() : null;
  const secret = password.given ?? generated;
  const createdUsers: string[] = [];
  for (const user of everyone) {
    if (!existing.has(user.username) && secret !== null) {
      await accounts.addUser(actor, { ...user, password: secret, isAdmin: user.username === 'admin' });
      createdUsers.push(user.username);
    } else if (
      password.given !== undefined &&
      !(await accounts.verifyPassword(user.username, password.given))
    ) {
      await accounts.setPassword(actor, user.username, password.given);
    }
  }

  await ignoreConflict(() =>
    directory.addPartition(actor, { name: PARTITION, description: 'Internal extensions' }),
  );
  await ignoreConflict(() =>
    directory.addCallingSearchSpace(actor, {
      name: 'internal-css',
      description: 'Reaches internal extensions',
      partitions: [PARTITION],
    }),
  );
  for (const person of PEOPLE) {
    const line = { number: person.line, partition: PARTITION };
    await ignoreConflict(() => directory.addLine(actor, { ...line, description: person.displayName }));
    const devices = [
      {
        name: `CSF${person.username.toUpperCase()}`,
        kind: 'softphone' as const,
        mac: null,
        description: `${person.displayName} softphone`,
      },
      ...(person.deskMac
        ? [
            {
              name: `SEP${person.deskMac}`,
              kind: 'deskphone' as const,
              mac: person.deskMac,
              description: `${person.displayName} desk phone`,
            },
          ]
        : []),
    ];
    for (const device of devices) {
      await ignoreConflict(() =>
        directory.addDevice(actor, { ...device, callingSearchSpace: 'internal-css', lines: [line] }),
      );
      await directory.associate(actor, person.username, device.name);
    }
  }
  await makeMutualContacts(services);
  const canned = new Set((await directory.listCannedMessages(actor)).map((c) => c.text));
  for (const text of CANNED) if (!canned.has(text)) await directory.addCannedMessage(actor, text);
  return { generatedPassword: generated, createdUsers };
}

/** SPEC demo data: the four people are each other's contacts, subscribed both ways. */
async function makeMutualContacts(services: {
  accounts: AccountService;
  roster: RosterService;
  domain: string;
}) {
  const actor = systemPrincipal('demo data');
  const people = await Promise.all(PEOPLE.map((p) => services.accounts.getUser(actor, p.username)));
  for (const user of people)
    for (const other of people) {
      if (user.id === other.id) continue;
      const contact = userJid(other.username, services.domain);
      const item = await services.roster.getItem(user.id, contact);
      if (item?.subscription === 'both' || item?.subscription === 'to') continue;
      await services.roster.setItem(user.id, contact, { name: other.displayName, groups: ['Colleagues'] });
      await services.roster.subscribe(user.id, contact);
      await services.roster.approve(other.id, userJid(user.username, services.domain));
    }
}
