/**
 * The tables of the SQL store (migrations/0001-accounts-and-directory.ts,
 * 0002-roster-blocks-offline.ts, 0003-pep.ts, 0004-sip-location.ts, 0005-last-activity.ts), as
 * Kysely sees them.
 * Times are integer milliseconds (bigint, read back as numbers); booleans are integers 0/1 in
 * both dialects, because better-sqlite3 cannot bind JavaScript booleans.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  /** foldForSearch(display_name), for the case-insensitive search of listUsers. */
  display_name_folded: string;
  email: string | null;
  is_admin: number;
  created_at: number;
}

export interface UserCredentialsTable {
  user_id: string;
  scram_sha1_iterations: number;
  scram_sha1_salt: string;
  scram_sha1_stored_key: string;
  scram_sha1_server_key: string;
  scram_sha256_iterations: number;
  scram_sha256_salt: string;
  scram_sha256_stored_key: string;
  scram_sha256_server_key: string;
  digest_realm: string;
  ha1_md5: string;
  ha1_sha256: string;
  password_hash: string;
  updated_at: number;
}

export interface PartitionsTable {
  name: string;
  description: string;
}

export interface CallingSearchSpacesTable {
  name: string;
  description: string;
}

export interface CallingSearchSpacePartitionsTable {
  css_name: string;
  position: number;
  partition_name: string;
}

export interface LinesTable {
  id: string;
  number: string;
  partition_name: string;
  description: string;
  created_at: number;
}

export interface DevicesTable {
  id: string;
  name: string;
  kind: string;
  mac: string | null;
  description: string;
  css_name: string | null;
  created_at: number;
}

export interface DeviceLinesTable {
  device_id: string;
  position: number;
  line_id: string;
}

export interface UserDevicesTable {
  user_id: string;
  device_id: string;
}

export interface CannedMessagesTable {
  id: string;
  text: string;
  position: number;
  created_at: number;
}

export interface RosterItemsTable {
  user_id: string;
  contact: string;
  name: string | null;
  /** JSON array of strings: the groups, unique, in order. */
  groups: string;
  subscription: string;
  pending_out: number;
  pending_in: number;
  pre_approved: number;
  listed: number;
  updated_at: number;
}

export interface RosterVersionsTable {
  user_id: string;
  version: number;
}

export interface BlockListTable {
  user_id: string;
  address: string;
}

export interface OfflineMessagesTable {
  id: string;
  user_id: string;
  from_address: string;
  stored_at: number;
  payload_format: string;
  payload_content: string;
  payload_body: string | null;
}

export interface ArchiveMessagesTable {
  id: string;
  user_id: string;
  peer: string;
  direction: string;
  at: number;
  origin_id: string | null;
  body: string | null;
  body_folded: string | null;
  payload_format: string;
  payload_content: string;
}

export interface ComplianceQueueTable {
  id: string;
  queued_at: number;
  attempts: number;
  next_attempt_at: number;
  record: string;
}

export interface PepNodesTable {
  user_id: string;
  node: string;
  access_model: string;
  max_items: number;
  send_last_item: string;
  /** JSON text array of roster group names (migration 0006). */
  roster_groups: Generated<string>;
  created_at: number;
}

export interface PepItemsTable {
  /** Publication order, made by the database. */
  seq: Generated<number>;
  user_id: string;
  node: string;
  item_id: string;
  payload: string;
  publisher: string;
  published_at: number;
}

export interface SipBindingsTable {
  user_id: string;
  contact: string;
  flow_id: string | null;
  transport: string;
  call_id: string;
  cseq: number;
  expires_at: number;
  q_milli: number | null;
  instance_id: string | null;
  reg_id: number | null;
  user_agent: string | null;
  updated_at: number;
}

/** XEP-0012 §4: a user's last logout. */
export interface LastLogoutsTable {
  user_id: string;
  logged_out_at: number;
  status: string | null;
}

/** Migration 0009: a user's manual status (presence slot). */
export interface ManualStatusesTable {
  user_id: string;
  availability: string;
  note: string | null;
  until_at: number | null;
  updated_at: number;
}

/** Migration 0009: a user's calendar source (SPEC I1). */
export interface CalendarSourcesTable {
  user_id: string;
  url: string;
  username: string | null;
  password: string | null;
  updated_at: number;
}

/** Migration 0010: a persistent room (XEP-0045 §10.1.3); config is muc#roomconfig as JSON. */
export interface RoomsTable {
  jid: string;
  config: string;
  subject_text: string | null;
  subject_nick: string | null;
  created_by: string;
  created_at: number;
}

/** Migration 0010: one affiliation of a persistent room. */
export interface RoomAffiliationsTable {
  room_jid: string;
  jid: string;
  affiliation: string;
  reason: string | null;
}

/** Migration 0010: one message of a room's archive (XEP-0313 §5). */
export interface RoomArchiveTable {
  id: string;
  room_jid: string;
  nick: string;
  sender: string;
  at: number;
  body: string | null;
  body_folded: string | null;
  payload_format: string;
  payload_content: string;
}

export interface Database {
  users: UsersTable;
  user_credentials: UserCredentialsTable;
  partitions: PartitionsTable;
  calling_search_spaces: CallingSearchSpacesTable;
  css_partitions: CallingSearchSpacePartitionsTable;
  lines: LinesTable;
  devices: DevicesTable;
  device_lines: DeviceLinesTable;
  user_devices: UserDevicesTable;
  canned_messages: CannedMessagesTable;
  roster_items: RosterItemsTable;
  roster_versions: RosterVersionsTable;
  block_list: BlockListTable;
  offline_messages: OfflineMessagesTable;
  archive_messages: ArchiveMessagesTable;
  compliance_queue: ComplianceQueueTable;
  pep_nodes: PepNodesTable;
  pep_items: PepItemsTable;
  sip_bindings: SipBindingsTable;
  last_logouts: LastLogoutsTable;
  manual_statuses: ManualStatusesTable;
  calendar_sources: CalendarSourcesTable;
  rooms: RoomsTable;
  room_affiliations: RoomAffiliationsTable;
  room_archive: RoomArchiveTable;
}

export type SqlKind = 'sqlite' | 'postgres';
