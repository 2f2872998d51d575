/**
 * The admin verbs of the herald command (SPEC U3): user, device, line, partition, css, canned.
 * They work on the configured store directly, like prosodyctl, whether or not a server runs.
 */
import { readFileSync } from 'node:fs';
import { calendarUrlForDisplay, validateCalendarSource } from '../core/calendar/calendar-service.js';
import { systemPrincipal } from '../core/identity/principal.js';
import type { AdminContext } from './admin-context.js';
import {
  argumentError,
  lineArgument,
  list,
  type OptionSpec,
  type ParsedArgs,
  parse,
  str,
} from './cli-args.js';
import { json, type Output, table } from './cli-output.js';

export interface Verb {
  readonly usage: string;
  readonly summary: string;
  readonly options: OptionSpec;
  readonly positionals: { min: number; max: number };
  run(ctx: AdminContext, args: ParsedArgs, out: Output): Promise<void>;
}

const actor = systemPrincipal('herald CLI');
const asJson: OptionSpec = { json: { type: 'boolean' } };

function password(args: ParsedArgs, stdin: () => string): string {
  const given = str(args, 'password');
  if (given !== undefined) return given;
  if (args.values['password-stdin']) return stdin().replace(/\r?\n$/, '');
  throw argumentError(
    'give the password with --password-stdin (or --password, visible to other local users)',
    '--password',
  );
}

const readStdin = (): string => readFileSync(0, 'utf8');
const passwordOptions: OptionSpec = { password: { type: 'string' }, 'password-stdin': { type: 'boolean' } };

export const adminVerbs: Record<string, Record<string, Verb>> = {
  user: {
    add: {
      usage:
        'herald user add USERNAME (--password-stdin | --password P) [--display-name N] [--email E] [--admin]',
      summary: 'add a user',
      options: {
        ...passwordOptions,
        'display-name': { type: 'string' },
        email: { type: 'string' },
        admin: { type: 'boolean' },
      },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const user = await ctx.accounts.addUser(actor, {
          username: args.positionals[0] ?? '',
          password: password(args, readStdin),
          ...(str(args, 'display-name') ? { displayName: str(args, 'display-name') } : {}),
          email: str(args, 'email') ?? null,
          isAdmin: args.values.admin === true,
        });
        out.line(`added user ${user.username}${user.isAdmin ? ' (administrator)' : ''}`);
      },
    },
    list: {
      usage: 'herald user list [--search TEXT] [--json]',
      summary: 'list users',
      options: { search: { type: 'string' }, ...asJson },
      positionals: { min: 0, max: 0 },
      async run(ctx, args, out) {
        const search = str(args, 'search');
        const { users, total } = await ctx.accounts.listUsers(actor, {
          limit: 500,
          ...(search ? { search } : {}),
        });
        if (args.values.json) return json(out, { users, total });
        table(
          out,
          users.map((u) => ({ ...u, admin: u.isAdmin ? 'yes' : '' })),
          ['username', 'displayName', 'email', 'admin'],
        );
        if (total > users.length) out.line(`(${users.length} of ${total} shown; narrow with --search)`);
      },
    },
    passwd: {
      usage: 'herald user passwd USERNAME (--password-stdin | --password P)',
      summary: "set a user's password",
      options: passwordOptions,
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.accounts.setPassword(actor, args.positionals[0] ?? '', password(args, readStdin));
        out.line(`password of ${args.positionals[0]} changed`);
      },
    },
    remove: {
      usage: 'herald user remove USERNAME',
      summary: 'remove a user',
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.accounts.removeUser(actor, args.positionals[0] ?? '');
        out.line(`removed user ${args.positionals[0]}`);
      },
    },
  },
  device: {
    add: {
      usage:
        'herald device add NAME --kind deskphone|softphone [--mac MAC] [--css CSS] [--line NUMBER@PARTITION]... [--description D]',
      summary: 'add a device with its lines',
      options: {
        kind: { type: 'string' },
        mac: { type: 'string' },
        css: { type: 'string' },
        line: { type: 'string', multiple: true },
        description: { type: 'string' },
      },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const kind = str(args, 'kind');
        if (kind !== 'deskphone' && kind !== 'softphone')
          throw argumentError('--kind must be deskphone or softphone', '--kind');
        const device = await ctx.directory.addDevice(actor, {
          name: args.positionals[0] ?? '',
          kind,
          mac: str(args, 'mac') ?? null,
          callingSearchSpace: str(args, 'css') ?? null,
          description: str(args, 'description') ?? '',
          lines: list(args, 'line').map((l) => lineArgument(l, undefined)),
        });
        out.line(
          `added ${device.kind} ${device.name}${device.lines.length ? ` with ${device.lines.map((l) => `${l.number}@${l.partition}`).join(', ')}` : ''}`,
        );
      },
    },
    list: {
      usage: 'herald device list [--json]',
      summary: 'list devices',
      options: asJson,
      positionals: { min: 0, max: 0 },
      async run(ctx, args, out) {
        const devices = await ctx.directory.listDevices(actor);
        if (args.values.json) return json(out, devices);
        table(
          out,
          devices.map((d) => ({
            ...d,
            css: d.callingSearchSpace,
            lines: d.lines.map((l) => `${l.number}@${l.partition}`),
          })),
          ['name', 'kind', 'mac', 'css', 'lines', 'users'],
        );
      },
    },
    lines: {
      usage: 'herald device lines NAME NUMBER@PARTITION...',
      summary: "set a device's line appearances, in button order",
      options: {},
      positionals: { min: 1, max: 65 },
      async run(ctx, args, out) {
        const [name = '', ...lines] = args.positionals;
        const device = await ctx.directory.setDeviceLines(
          actor,
          name,
          lines.map((l) => lineArgument(l, undefined)),
        );
        out.line(
          `${device.name} has ${device.lines.map((l) => `${l.number}@${l.partition}`).join(', ') || 'no lines'}`,
        );
      },
    },
    assign: {
      usage: 'herald device assign NAME USERNAME',
      summary: 'associate a device with a user',
      options: {},
      positionals: { min: 2, max: 2 },
      async run(ctx, args, out) {
        await ctx.directory.associate(actor, args.positionals[1] ?? '', args.positionals[0] ?? '');
        out.line(`${args.positionals[0]} is associated with ${args.positionals[1]}`);
      },
    },
    unassign: {
      usage: 'herald device unassign NAME USERNAME',
      summary: 'dissociate a device from a user',
      options: {},
      positionals: { min: 2, max: 2 },
      async run(ctx, args, out) {
        await ctx.directory.dissociate(actor, args.positionals[1] ?? '', args.positionals[0] ?? '');
        out.line(`${args.positionals[0]} is no longer associated with ${args.positionals[1]}`);
      },
    },
    remove: {
      usage: 'herald device remove NAME',
      summary: 'remove a device',
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.directory.removeDevice(actor, args.positionals[0] ?? '');
        out.line(`removed device ${args.positionals[0]}`);
      },
    },
  },
  line: {
    add: {
      usage: 'herald line add NUMBER --partition P [--description D]',
      summary: 'add a directory number in a partition',
      options: { partition: { type: 'string' }, description: { type: 'string' } },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const partition = str(args, 'partition');
        if (!partition) throw argumentError('--partition is required', '--partition');
        const line = await ctx.directory.addLine(actor, {
          number: args.positionals[0] ?? '',
          partition,
          description: str(args, 'description') ?? '',
        });
        out.line(`added line ${line.number} in ${line.partition}`);
      },
    },
    list: {
      usage: 'herald line list [--partition P] [--json]',
      summary: 'list lines',
      options: { partition: { type: 'string' }, ...asJson },
      positionals: { min: 0, max: 0 },
      async run(ctx, args, out) {
        const partition = str(args, 'partition');
        const lines = await ctx.directory.listLines(actor, partition ? { partition } : {});
        if (args.values.json) return json(out, lines);
        table(out, lines, ['number', 'partition', 'description']);
      },
    },
    remove: {
      usage: 'herald line remove NUMBER --partition P',
      summary: 'remove a line',
      options: { partition: { type: 'string' } },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const partition = str(args, 'partition');
        if (!partition) throw argumentError('--partition is required', '--partition');
        await ctx.directory.removeLine(actor, { number: args.positionals[0] ?? '', partition });
        out.line(`removed line ${args.positionals[0]} in ${partition}`);
      },
    },
  },
  partition: {
    add: {
      usage: 'herald partition add NAME [--description D]',
      summary: 'add a partition',
      options: { description: { type: 'string' } },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.directory.addPartition(actor, {
          name: args.positionals[0] ?? '',
          description: str(args, 'description') ?? '',
        });
        out.line(`added partition ${args.positionals[0]}`);
      },
    },
    list: {
      usage: 'herald partition list [--json]',
      summary: 'list partitions',
      options: asJson,
      positionals: { min: 0, max: 0 },
      async run(ctx, args, out) {
        const partitions = await ctx.directory.listPartitions(actor);
        if (args.values.json) return json(out, partitions);
        table(out, partitions, ['name', 'description']);
      },
    },
    remove: {
      usage: 'herald partition remove NAME',
      summary: 'remove a partition no line uses',
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.directory.removePartition(actor, args.positionals[0] ?? '');
        out.line(`removed partition ${args.positionals[0]}`);
      },
    },
  },
  css: {
    add: {
      usage: 'herald css add NAME --partition P... [--description D]',
      summary: 'add a calling search space (ordered partitions)',
      options: { partition: { type: 'string', multiple: true }, description: { type: 'string' } },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const css = await ctx.directory.addCallingSearchSpace(actor, {
          name: args.positionals[0] ?? '',
          partitions: list(args, 'partition'),
          description: str(args, 'description') ?? '',
        });
        out.line(`added calling search space ${css.name}: ${css.partitions.join(' → ') || 'no partitions'}`);
      },
    },
    list: {
      usage: 'herald css list [--json]',
      summary: 'list calling search spaces',
      options: asJson,
      positionals: { min: 0, max: 0 },
      async run(ctx, args, out) {
        const spaces = await ctx.directory.listCallingSearchSpaces(actor);
        if (args.values.json) return json(out, spaces);
        table(out, spaces, ['name', 'partitions', 'description']);
      },
    },
    remove: {
      usage: 'herald css remove NAME',
      summary: 'remove a calling search space no device uses',
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.directory.removeCallingSearchSpace(actor, args.positionals[0] ?? '');
        out.line(`removed calling search space ${args.positionals[0]}`);
      },
    },
  },
  canned: {
    add: {
      usage: 'herald canned add TEXT [--position N]',
      summary: 'add a canned message',
      options: { position: { type: 'string' } },
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const position = str(args, 'position');
        if (position !== undefined && !/^\d{1,5}$/.test(position))
          throw argumentError('--position must be a number', '--position');
        const message = await ctx.directory.addCannedMessage(
          actor,
          args.positionals[0] ?? '',
          position === undefined ? undefined : Number(position),
        );
        out.line(`added canned message ${message.id}`);
      },
    },
    list: {
      usage: 'herald canned list [--json]',
      summary: 'list canned messages',
      options: asJson,
      positionals: { min: 0, max: 0 },
      async run(ctx, args, out) {
        const messages = await ctx.directory.listCannedMessages(actor);
        if (args.values.json) return json(out, messages);
        table(out, messages, ['id', 'position', 'text']);
      },
    },
    remove: {
      usage: 'herald canned remove ID',
      summary: 'remove a canned message',
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        await ctx.directory.removeCannedMessage(actor, args.positionals[0] ?? '');
        out.line(`removed canned message ${args.positionals[0]}`);
      },
    },
  },
  // SPEC I1: a person's calendar (an .ics feed or a CalDAV collection) makes them "in a meeting".
  calendar: {
    set: {
      usage:
        'herald calendar set USERNAME URL [--username U] [--password-stdin | --password P]  (.ics or webcal: = feed, else CalDAV)',
      summary: "set a user's calendar source",
      options: { username: { type: 'string' }, ...passwordOptions },
      positionals: { min: 2, max: 2 },
      async run(ctx, args, out) {
        const [username = '', url = ''] = args.positionals;
        const user = await ctx.store.accounts.findUserByName(username);
        if (!user) throw argumentError(`no user ${username}`, 'USERNAME');
        const secret =
          str(args, 'password') ?? (args.values['password-stdin'] ? readStdin().replace(/\r?\n$/, '') : null);
        const source = validateCalendarSource({
          url,
          username: str(args, 'username') ?? null,
          password: secret,
        });
        await ctx.store.presence.setCalendarSource(user.id, { ...source, updatedAt: Date.now() });
        // The URL without credentials: never echo a secret.
        out.line(`${username}'s calendar is ${calendarUrlForDisplay(url)}`);
      },
    },
    show: {
      usage: 'herald calendar show USERNAME',
      summary: "show a user's calendar source (without credentials)",
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const username = args.positionals[0] ?? '';
        const user = await ctx.store.accounts.findUserByName(username);
        if (!user) throw argumentError(`no user ${username}`, 'USERNAME');
        const record = await ctx.store.presence.calendarSource(user.id);
        out.line(
          record
            ? `${calendarUrlForDisplay(record.url)}${record.username !== null ? ' (with credentials)' : ''}`
            : `${username} has no calendar`,
        );
      },
    },
    clear: {
      usage: 'herald calendar clear USERNAME',
      summary: "remove a user's calendar source",
      options: {},
      positionals: { min: 1, max: 1 },
      async run(ctx, args, out) {
        const username = args.positionals[0] ?? '';
        const user = await ctx.store.accounts.findUserByName(username);
        if (!user) throw argumentError(`no user ${username}`, 'USERNAME');
        await ctx.store.presence.clearCalendarSource(user.id);
        out.line(`${username} has no calendar`);
      },
    },
  },
};

export { parse };
