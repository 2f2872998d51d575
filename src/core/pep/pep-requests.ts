/**
 * What callers ask of the PEP service (pep-service.ts), protocol-neutral: the account whose
 * service it is, who asks, the node, and what each XEP-0060 use case adds.
 */
import type { BareJid, Jid } from '../address/jid.js';
import type { UserId } from '../ports.js';
import type { PepNodeOptions } from './pep-node-config.js';

/** What PEP needs of presence subscriptions (RosterService provides it). */
export interface PresenceRelations {
  /** Whether `watcher` (full or bare JID) may see the owner's presence: from/both, not blocked. */
  canSeePresence(ownerId: UserId, watcher: string): Promise<boolean>;
  /** Who receives the user's presence (from/both), less those the user blocked. */
  subscribers(userId: UserId): Promise<BareJid[]>;
  /** Whose presence the user receives (to/both). */
  subscriptions(userId: UserId): Promise<BareJid[]>;
  /** The contact's item in the owner's roster, for its groups (XEP-0060 §4.5 roster access model). */
  getItem(ownerId: UserId, contact: BareJid): Promise<{ readonly groups: readonly string[] } | undefined>;
}

export interface NodeRequest {
  /** The account whose service it is (the IQ's bare `to`). */
  readonly owner: BareJid;
  /** Who asks: a full or bare JID. */
  readonly actor: Jid;
  readonly node: string;
}

export interface PublishRequest extends NodeRequest {
  /** Absent: the service makes one (XEP-0060 §7.1.2). */
  readonly itemId?: string;
  readonly payload: string;
  /** §7.1.5 publish-options: preconditions on an existing node, the configuration of a new one. */
  readonly options?: PepNodeOptions;
  /** The configuration of a node this publication creates; never checked against an existing one. */
  readonly createWith?: PepNodeOptions;
}

export interface ItemsRequest extends NodeRequest {
  /** §6.5.8: these items only. */
  readonly itemIds?: readonly string[];
  /** §6.5.7: the newest this many only. */
  readonly maxItems?: number;
}

/** §7.2: one item to remove; `notify` asks for the retraction to be announced (§7.2.2.1). */
export interface RetractRequest extends NodeRequest {
  readonly itemId: string;
  readonly notify: boolean;
}

/** §8.1.3 create-and-configure, §8.2.4 configure. */
export interface ConfigureRequest extends NodeRequest {
  readonly options: PepNodeOptions;
}

/** XEP-0060 §6.1: `jid` is the requester's own bare or full JID, else §6.1.3.1 invalid-jid. */
export interface SubscribeRequest extends NodeRequest {
  readonly jid: string;
}

/** §6.2: with `subid`, only the subscription that has it. */
export interface UnsubscribeRequest extends SubscribeRequest {
  readonly subid?: string;
}
