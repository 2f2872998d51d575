/** Core records → API views: ISO times, no credentials ever. */
import type { DeviceView as CoreDeviceView } from '../core/directory/directory-service.js';
import type { CannedMessageRecord, LineRecord, UserRecord } from '../core/ports.js';
import type { DeviceView, LineView, UserView } from './contract/api-schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const userView = (u: UserRecord): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  email: u.email,
  isAdmin: u.isAdmin,
  createdAt: iso(u.createdAt),
});

export const lineView = (l: LineRecord): LineView => ({
  id: l.id,
  number: l.number,
  partition: l.partition,
  description: l.description,
  createdAt: iso(l.createdAt),
});

export const deviceView = (d: CoreDeviceView): DeviceView => ({
  id: d.id,
  name: d.name,
  kind: d.kind,
  mac: d.mac,
  description: d.description,
  callingSearchSpace: d.callingSearchSpace,
  lines: d.lines.map(lineView),
  users: [...d.users],
  createdAt: iso(d.createdAt),
});

export const cannedView = (c: CannedMessageRecord) => ({
  id: c.id,
  text: c.text,
  position: c.position,
  createdAt: iso(c.createdAt),
});
