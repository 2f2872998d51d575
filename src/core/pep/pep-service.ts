/**
 * XEP-0163 Personal Eventing Protocol (https://xmpp.org/extensions/xep-0163.html), protocol-neutral:
 * every account a pubsub service (§2.1) whose nodes, items and access rules this service owns
 * (DESIGN.md "Who owns which state"), over XEP-0060 Publish-Subscribe. Methods answer a value or
 * the reason they refused (pep-errors.ts); changes come with the notification to announce.
 */
import type { Clock } from '../../kernel/clock.js';
import type { IdSource } from '../../kernel/ids.js';
import { type BareJid, bareJid, type Jid, jidDomain, jidLocal, parseJid, userJid } from '../address/jid.js';
import type { PepItemRecord, PepNodeRecord, Store, StoreTransaction, UserId } from '../ports.js';
import type { BlockChecker } from '../roster/roster-service.js';
import { accessRefusal, type PepRequester } from './pep-access.js';
import { type PepResult, refused, succeeded } from './pep-errors.js';
import type { LastPublished, PepEvent, PepItem, PepNotification } from './pep-events.js';
import {
  configWith,
  DEFAULT_NODE_CONFIG,
  DEFAULT_PEP_LIMITS,
  meetsPreconditions,
  type PepLimits,
  type PepNodeConfig,
} from './pep-node-config.js';
import type {
  ConfigureRequest,
  ItemsRequest,
  NodeRequest,
  PresenceRelations,
  PublishRequest,
  RetractRequest,
  SubscribeRequest,
  UnsubscribeRequest,
} from './pep-requests.js';
import { type PepSubscription, PepSubscriptions } from './pep-subscriptions.js';

export interface PepServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The served domain: owners are users of it. */
  readonly domain: string;
  readonly presence: PresenceRelations;
  readonly blocks?: BlockChecker;
  readonly limits?: Partial<PepLimits>;
}

interface Owner {
  readonly userId: UserId;
  readonly jid: BareJid;
}

const NAME_MAX_BYTES = 1023;
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && bytes(value) <= NAME_MAX_BYTES;

const configOf = (node: PepNodeRecord): PepNodeConfig => ({
  accessModel: node.accessModel,
  maxItems: node.maxItems,
  sendLastItem: node.sendLastItem,
  rosterGroupsAllowed: node.rosterGroupsAllowed,
});

const itemOf = (record: PepItemRecord): PepItem => ({
  id: record.id,
  payload: record.payload,
  publisher: record.publisher,
  publishedAt: record.publishedAt,
});

export class PepService {
  readonly limits: PepLimits;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #domain: string;
  readonly #presence: PresenceRelations;
  readonly #blocks: BlockChecker | undefined;
  readonly #subscriptions: PepSubscriptions;

  constructor(options: PepServiceOptions) {
    this.limits = { ...DEFAULT_PEP_LIMITS, ...options.limits };
    for (const [name, value] of Object.entries(this.limits))
      if (!Number.isSafeInteger(value) || value < 1)
        throw new RangeError(`${name} must be a positive integer`);
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ids = options.ids;
    this.#domain = options.domain.toLowerCase();
    this.#presence = options.presence;
    this.#blocks = options.blocks;
    this.#subscriptions = new PepSubscriptions(this.limits);
  }

  /** XEP-0060 §7.1; XEP-0163 §3: the node is created if it does not exist ("auto-create"). */
  async publish(
    request: PublishRequest,
  ): Promise<PepResult<{ itemId: string; notification: PepNotification }>> {
    if (request.itemId !== undefined && !isName(request.itemId))
      return refused('invalid-item-id', `an ItemID has 1 to ${NAME_MAX_BYTES} bytes`);
    if (bytes(request.payload) > this.limits.maxItemBytes)
      return refused('payload-too-big', `an item holds at most ${this.limits.maxItemBytes} bytes`); // §7.1.3.4
    const owner = await this.#administered(request);
    if (!owner.ok) return owner;
    const now = this.#clock.now();
    const itemId = request.itemId ?? this.#ids.next();
    const stored = await this.#store.transaction(async (tx) => {
      const node = await this.#nodeToPublishTo(tx, owner.value, request, now);
      if (node.ok)
        await tx.pep.putItem({
          userId: owner.value.userId,
          node: request.node,
          id: itemId,
          payload: request.payload,
          publisher: request.actor,
          publishedAt: now,
        });
      return node;
    });
    if (!stored.ok) return stored;
    const item: PepItem = {
      id: itemId,
      payload: request.payload,
      publisher: request.actor,
      publishedAt: now,
    };
    const notification = await this.#notification(owner.value, stored.value, { kind: 'published', item });
    return succeeded({ itemId, notification });
  }

  /** §7.2: removes an item; with `notify` (§7.2.2.1) its retraction is announced. */
  async retract(request: RetractRequest): Promise<PepResult<{ notification: PepNotification | null }>> {
    if (!isName(request.itemId)) return refused('invalid-item-id', 'name the item to retract'); // §7.2.3.4
    const owner = await this.#administered(request);
    if (!owner.ok) return owner;
    const node = await this.#store.pep.getNode(owner.value.userId, request.node);
    if (!node) return refused('node-not-found', `there is no node ${request.node}`);
    if (!(await this.#store.pep.deleteItem(owner.value.userId, request.node, request.itemId)))
      return refused('item-not-found', `node ${request.node} has no item ${request.itemId}`); // §7.2.3.2
    const event: PepEvent = { kind: 'retracted', itemId: request.itemId };
    return succeeded({
      notification: request.notify ? await this.#notification(owner.value, node, event) : null,
    });
  }

  /** §6.5: the node's items, oldest first, if the access model lets the requester see them. */
  async items(request: ItemsRequest): Promise<PepResult<PepItem[]>> {
    const found = await this.#readable(request);
    if (!found.ok) return found;
    const { owner, node } = found.value;
    const records = request.itemIds
      ? await this.#store.pep.getItemsById(owner.userId, node.node, request.itemIds)
      : await this.#store.pep.getItems(
          owner.userId,
          node.node,
          Math.max(0, Math.min(request.maxItems ?? node.maxItems, node.maxItems)),
        );
    return succeeded(records.reverse().map(itemOf));
  }

  /** §8.1: creates a node, with default configuration or the one given (§8.1.3 create-and-configure). */
  async createNode(request: NodeRequest & Partial<ConfigureRequest>): Promise<PepResult<PepNodeConfig>> {
    const owner = await this.#administered(request);
    if (!owner.ok) return owner;
    const config = configWith(DEFAULT_NODE_CONFIG, request.options ?? {}, this.limits);
    if (!config.ok) return config;
    const record = this.#record(owner.value, request.node, config.value, this.#clock.now());
    const created = await this.#store.pep.createNode(record, this.limits.maxNodesPerUser);
    if (created === 'exists') return refused('node-exists', `node ${request.node} exists`); // §8.1.1
    if (created === 'limit-reached') return this.#tooManyNodes();
    return config;
  }

  /** §8.2.1: the node's configuration, for its owner. */
  async configuration(request: NodeRequest): Promise<PepResult<PepNodeConfig>> {
    const owned = await this.#ownedNode(request);
    return owned.ok ? succeeded(configOf(owned.value.node)) : owned;
  }

  /** §8.2.4: changes the node's configuration; items beyond a lower max_items go. */
  async configure(request: ConfigureRequest): Promise<PepResult<PepNodeConfig>> {
    const owned = await this.#ownedNode(request);
    if (!owned.ok) return owned;
    const config = configWith(configOf(owned.value.node), request.options, this.limits);
    if (!config.ok) return config;
    const updated = { ...owned.value.node, ...config.value };
    if (!(await this.#store.pep.updateNode(updated)))
      return refused('node-not-found', `there is no node ${request.node}`);
    await this.#allowedSubscriptions(owned.value.owner, updated); // those the new model refuses go
    return config;
  }

  /** §8.4: deletes the node and its items; those who could read it are told (§8.4.2). */
  async deleteNode(request: NodeRequest): Promise<PepResult<{ notification: PepNotification }>> {
    const owned = await this.#ownedNode(request);
    if (!owned.ok) return owned;
    const { owner, node } = owned.value;
    const notification = await this.#notification(owner, node, { kind: 'deleted' });
    if (!(await this.#store.pep.deleteNode(owner.userId, node.node)))
      return refused('node-not-found', `there is no node ${request.node}`);
    this.#subscriptions.dropNode(owner.userId, node.node); // §8.4.2: the subscriptions go with the node
    return succeeded({ notification });
  }

  /**
   * XEP-0060 §6.1: subscribes `jid` to the node, if the access model admits the requester
   * (§6.1.3). Subscriptions are kept in memory only (pep-subscriptions.ts): not across a restart.
   */
  async subscribe(request: SubscribeRequest): Promise<PepResult<PepSubscription>> {
    const jid = this.#ownJid(request);
    if (!jid) return refused('invalid-jid', 'subscribe your own bare or full JID'); // §6.1.3.1
    const found = await this.#readable(request);
    if (!found.ok) return found;
    const { owner, node } = found.value;
    const added = this.#subscriptions.add(owner.userId, node.node, jid, () => this.#ids.next());
    if (added.kind === 'node-full')
      return refused(
        'too-many-subscriptions',
        `a node keeps ${this.limits.maxSubscriptionsPerNode} subscriptions`,
      );
    if (added.kind === 'service-full')
      return refused('too-many-subscriptions', 'the service keeps no more subscriptions');
    return succeeded(added.subscription); // §6.1.2: subscription='subscribed' with its SubID
  }

  /** §6.2: removes the subscription of `jid` to the node. */
  async unsubscribe(request: UnsubscribeRequest): Promise<PepResult<null>> {
    const jid = this.#ownJid(request);
    if (!jid) return refused('invalid-jid', 'unsubscribe your own bare or full JID'); // §6.2.3.3
    if (!isName(request.node)) return refused('invalid-node', 'name the node');
    const owner = await this.#owner(request.owner);
    if (!owner) return refused('no-such-user', `there is no account ${request.owner}`);
    if (!(await this.#store.pep.getNode(owner.userId, request.node)))
      return refused('node-not-found', `there is no node ${request.node}`); // §6.2.3.4
    const subscription = this.#subscriptions.find(owner.userId, request.node, jid);
    if (!subscription) return refused('not-subscribed', `${jid} is not subscribed to ${request.node}`); // §6.2.3.2
    if (request.subid !== undefined && request.subid !== subscription.subid)
      return refused('invalid-subid', `no subscription ${request.subid}`); // §6.2.3.5
    this.#subscriptions.remove(owner.userId, request.node, jid);
    return succeeded(null);
  }

  /**
   * XEP-0163 §4.3.4: for a resource of `viewer` that just became available, the last item of
   * every node it may read — its own account's and those of the contacts whose presence it
   * receives — unless the node's send_last_published_item is never.
   */
  async lastPublished(viewer: Jid): Promise<LastPublished[]> {
    const self = await this.#owner(bareJid(viewer));
    if (!self) return [];
    const last: LastPublished[] = [];
    for (const jid of [self.jid, ...(await this.#presence.subscriptions(self.userId))]) {
      const owner = jid === self.jid ? self : await this.#owner(jid);
      if (!owner) continue;
      const requester = await this.#requester(owner, viewer);
      for (const node of await this.#store.pep.listNodes(owner.userId)) {
        if (node.sendLastItem === 'never' || accessRefusal(node, requester)) continue;
        const [newest] = await this.#store.pep.getItems(owner.userId, node.node, 1);
        if (newest)
          last.push({ ownerId: owner.userId, owner: owner.jid, node: node.node, item: itemOf(newest) });
      }
    }
    return last;
  }

  /** XEP-0163 §6.2 (XEP-0060 §5.2): the names of the owner's nodes that `actor` may read. */
  async readableNodes(owner: BareJid, actor: Jid): Promise<PepResult<string[]>> {
    const found = await this.#owner(owner);
    if (!found) return refused('no-such-user', `there is no account ${owner}`);
    const requester = await this.#requester(found, actor);
    const nodes = await this.#store.pep.listNodes(found.userId);
    return succeeded(nodes.filter((node) => !accessRefusal(node, requester)).map((node) => node.node));
  }

  async #nodeToPublishTo(
    tx: StoreTransaction,
    owner: Owner,
    request: PublishRequest,
    now: number,
  ): Promise<PepResult<PepNodeRecord>> {
    const existing = await tx.pep.getNode(owner.userId, request.node);
    const options = request.options;
    if (existing) {
      // §7.1.5 case 1: a precondition the node does not meet fails the publication.
      if (options && !meetsPreconditions(configOf(existing), options, this.limits))
        return refused('precondition-not-met', `node ${request.node} is configured otherwise`);
      return succeeded(existing);
    }
    // §7.1.5 case 3: a new node takes the default configuration but for the preconditions.
    const config = configWith(DEFAULT_NODE_CONFIG, { ...request.createWith, ...options }, this.limits);
    if (!config.ok) return options ? refused('precondition-not-met', config.error.text) : config;
    const record = this.#record(owner, request.node, config.value, now);
    const created = await tx.pep.createNode(record, this.limits.maxNodesPerUser);
    if (created === 'limit-reached') return this.#tooManyNodes();
    if (created === 'created') return succeeded(record);
    // Another writer created it meanwhile (PostgreSQL): publish to that one, on the same terms.
    return this.#nodeToPublishTo(tx, owner, request, now);
  }

  /** The owner's node and the owner, when `actor` is the owner (§8.2.3.2, §8.4.3.1). */
  async #ownedNode(request: NodeRequest): Promise<PepResult<{ owner: Owner; node: PepNodeRecord }>> {
    const owner = await this.#administered(request);
    if (!owner.ok) return owner;
    const node = await this.#store.pep.getNode(owner.value.userId, request.node);
    if (!node) return refused('node-not-found', `there is no node ${request.node}`);
    return succeeded({ owner: owner.value, node });
  }

  /** The node, if it exists and the access model lets `actor` read it (§6.5.9). */
  async #readable(request: NodeRequest): Promise<PepResult<{ owner: Owner; node: PepNodeRecord }>> {
    if (!isName(request.node)) return refused('invalid-node', 'name the node');
    const owner = await this.#owner(request.owner);
    if (!owner) return refused('no-such-user', `there is no account ${request.owner}`);
    const node = await this.#store.pep.getNode(owner.userId, request.node);
    if (!node) return refused('node-not-found', `there is no node ${request.node}`); // §6.5.9.11
    const refusal = accessRefusal(node, await this.#requester(owner, request.actor));
    if (refusal)
      return refused(refusal, `the ${node.accessModel} access model of ${request.node} refuses you`);
    return succeeded({ owner, node });
  }

  /** The owner, when the node name is valid and `actor` is the owner: one publisher per node (XEP-0163 §2.2). */
  async #administered(request: NodeRequest): Promise<PepResult<Owner>> {
    if (!isName(request.node)) return refused('invalid-node', `a NodeID has 1 to ${NAME_MAX_BYTES} bytes`);
    const owner = await this.#owner(request.owner);
    if (!owner) return refused('no-such-user', `there is no account ${request.owner}`);
    if (bareJid(request.actor) !== owner.jid)
      return refused('not-owner', `only ${owner.jid} may change its nodes`);
    return succeeded(owner);
  }

  async #notification(owner: Owner, node: PepNodeRecord, event: PepEvent): Promise<PepNotification> {
    // §4.1 auto-subscribe: presence subscribers are subscribed to every node they may read.
    const contacts: BareJid[] = [];
    if (node.accessModel !== 'whitelist')
      for (const contact of await this.#presence.subscribers(owner.userId)) {
        if (contact === owner.jid) continue;
        const groups = node.accessModel === 'roster' ? await this.#groupsOf(owner, contact) : [];
        if (!accessRefusal(node, { relation: 'presence-subscriber', groups })) contacts.push(contact);
      }
    const subscribers = (await this.#allowedSubscriptions(owner, node)).map((s) => s.jid);
    return { ownerId: owner.userId, owner: owner.jid, node: node.node, event, contacts, subscribers };
  }

  /** The node's explicit subscriptions the access model still admits; the others are removed. */
  async #allowedSubscriptions(owner: Owner, node: PepNodeRecord): Promise<PepSubscription[]> {
    const allowed: PepSubscription[] = [];
    for (const subscription of this.#subscriptions.of(owner.userId, node.node))
      if (accessRefusal(node, await this.#requester(owner, subscription.jid)))
        this.#subscriptions.remove(owner.userId, node.node, subscription.jid);
      else allowed.push(subscription);
    return allowed;
  }

  async #requester(owner: Owner, requester: Jid): Promise<PepRequester> {
    if (bareJid(requester) === owner.jid) return { relation: 'owner', groups: [] };
    if (await this.#blocks?.isBlocked(owner.userId, requester)) return { relation: 'blocked', groups: [] };
    if (!(await this.#presence.canSeePresence(owner.userId, requester)))
      return { relation: 'stranger', groups: [] };
    return { relation: 'presence-subscriber', groups: await this.#groupsOf(owner, bareJid(requester)) };
  }

  /** The groups of the contact's item in the owner's roster (XEP-0060 §4.5 roster). */
  async #groupsOf(owner: Owner, contact: BareJid): Promise<readonly string[]> {
    return (await this.#presence.getItem(owner.userId, contact))?.groups ?? [];
  }

  /** The subscription JID when it is the requester's own, bare or full (§6.1.3.1). */
  #ownJid(request: SubscribeRequest): Jid | null {
    const jid = parseJid(request.jid);
    return jid && (jid === request.actor || jid === bareJid(request.actor)) ? jid : null;
  }

  async #owner(jid: BareJid): Promise<Owner | undefined> {
    const local = jidLocal(jid);
    if (local === null || jidDomain(jid) !== this.#domain) return undefined;
    const user = await this.#store.accounts.findUserByName(local);
    return user && { userId: user.id, jid: userJid(user.username, this.#domain) };
  }

  #record(owner: Owner, node: string, config: PepNodeConfig, now: number): PepNodeRecord {
    return { userId: owner.userId, node, ...config, createdAt: now };
  }

  #tooManyNodes<T>(): PepResult<T> {
    return refused('too-many-nodes', `an account has at most ${this.limits.maxNodesPerUser} nodes`);
  }
}
