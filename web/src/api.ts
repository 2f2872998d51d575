/** Herald's REST API (/api/v1) with the bearer token from POST /api/v1/session. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionReply {
  token: string;
  expiresAt: string;
  user: { username: string; displayName: string };
}

export interface PresenceReply {
  user: string;
  jid: string;
  availability: string;
  note: string | null;
  source: string | null;
  until: string | null;
  invisible?: boolean;
}

export interface DirectoryEntry {
  username: string;
  displayName: string;
  numbers: { number: string; partition: string }[];
}

export interface RoomReply {
  jid: string;
  name: string;
  affiliation: string;
  persistent: boolean;
  membersOnly: boolean;
  occupants: number;
}

export type ManualAvailability = 'available' | 'away' | 'busy' | 'dnd' | 'on-vacation' | 'invisible';

async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        'x-requested-with': 'XMLHttpRequest',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(
      0,
      'UNREACHABLE',
      'The server cannot be reached. Check your connection and try again.',
    );
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) {
    throw new ApiError(response.status, data.error ?? 'HTTP', data.message ?? `HTTP ${response.status}`);
  }
  return data as T;
}

export const api = {
  signIn: (username: string, password: string) =>
    request<SessionReply>('POST', '/session', null, { username, password }),
  signOut: (token: string) => request<void>('DELETE', '/session', token),
  myPresence: (token: string) => request<PresenceReply>('GET', '/me/presence', token),
  setStatus: (
    token: string,
    body: { availability: ManualAvailability; note?: string | null; until?: string | null },
  ) => request<unknown>('PUT', '/me/status', token, body),
  clearStatus: (token: string) => request<void>('DELETE', '/me/status', token),
  rooms: (token: string) => request<RoomReply[]>('GET', '/rooms', token),
  createRoom: (token: string, body: { name: string; invite: string[] }) =>
    request<RoomReply>('POST', '/rooms', token, body),
  escalate: (token: string, body: { with: string; invite: string[]; name?: string }) =>
    request<RoomReply>('POST', '/rooms/escalate', token, body),
  directory: (token: string, q: string) =>
    request<DirectoryEntry[]>('GET', `/directory?q=${encodeURIComponent(q)}&limit=20`, token),
};
