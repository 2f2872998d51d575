/**
 * PepStore (core/ports.ts; XEP-0163 Personal Eventing Protocol, https://xmpp.org/extensions/xep-0163.html)
 * over the memory tables, keeping the SQL adapter's rules: the user must exist to create a node,
 * the node to hold items; nodes list in code-point order; a node's items are kept oldest to
 * newest in an array that is replaced, never mutated (memory-tables.ts).
 */
import type { PepItemRecord, PepNodeRecord, PepStore, UserId } from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';
import { checkItemLimit, checkMaxNodes, checkNodeRecord } from '../pep-limits.js';
import { byKeys } from './binary-order.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

const byNode = byKeys<PepNodeRecord>((node) => node.node);

export class MemoryPepStore implements PepStore {
  constructor(private readonly tables: TablesProvider) {}

  async listNodes(userId: UserId): Promise<PepNodeRecord[]> {
    return [...(this.tables().pepNodes.get(userId)?.values() ?? [])].sort(byNode).map(copy);
  }

  async getNode(userId: UserId, node: string): Promise<PepNodeRecord | undefined> {
    const record = this.tables().pepNodes.get(userId)?.get(node);
    return record && copy(record);
  }

  async createNode(node: PepNodeRecord, maxNodes: number): Promise<'created' | 'exists' | 'limit-reached'> {
    checkMaxNodes(maxNodes);
    checkNodeRecord(node);
    const tables = this.tables();
    requireUser(tables, node.userId);
    const nodes = tables.pepNodes.get(node.userId) ?? new Map<string, PepNodeRecord>();
    if (nodes.has(node.node)) return 'exists';
    if (nodes.size >= maxNodes) return 'limit-reached';
    tables.pepNodes.set(node.userId, new Map(nodes).set(node.node, copy(node)));
    return 'created';
  }

  async updateNode(node: PepNodeRecord): Promise<boolean> {
    checkNodeRecord(node);
    const tables = this.tables();
    const nodes = tables.pepNodes.get(node.userId);
    const existing = nodes?.get(node.node);
    if (!nodes || !existing) return false;
    // The creation time is the node's own; a configuration change does not move it.
    tables.pepNodes.set(
      node.userId,
      new Map(nodes).set(node.node, { ...copy(node), createdAt: existing.createdAt }),
    );
    const items = this.#items(node.userId, node.node);
    if (items.length > node.maxItems) this.#setItems(node.userId, node.node, items.slice(-node.maxItems));
    return true;
  }

  async deleteNode(userId: UserId, node: string): Promise<boolean> {
    const tables = this.tables();
    const nodes = tables.pepNodes.get(userId);
    if (!nodes?.has(node)) return false;
    const remaining = new Map(nodes);
    remaining.delete(node);
    if (remaining.size === 0) tables.pepNodes.delete(userId);
    else tables.pepNodes.set(userId, remaining);
    this.#setItems(userId, node, []);
    return true;
  }

  async putItem(item: PepItemRecord): Promise<string[]> {
    const node = this.tables().pepNodes.get(item.userId)?.get(item.node);
    if (!node) throw notFound(`no node ${item.node} for user ${item.userId}`, 'node');
    const items = [...this.#items(item.userId, item.node).filter((i) => i.id !== item.id), copy(item)];
    const dropped = items.slice(0, Math.max(0, items.length - node.maxItems));
    this.#setItems(item.userId, item.node, items.slice(dropped.length));
    return dropped.map((i) => i.id);
  }

  async getItems(userId: UserId, node: string, limit: number): Promise<PepItemRecord[]> {
    checkItemLimit(limit);
    return this.#items(userId, node).slice().reverse().slice(0, limit).map(copy);
  }

  async getItemsById(userId: UserId, node: string, ids: readonly string[]): Promise<PepItemRecord[]> {
    const wanted = new Set(ids);
    return this.#items(userId, node)
      .filter((item) => wanted.has(item.id))
      .reverse()
      .map(copy);
  }

  async deleteItem(userId: UserId, node: string, id: string): Promise<boolean> {
    const items = this.#items(userId, node);
    const remaining = items.filter((item) => item.id !== id);
    if (remaining.length === items.length) return false;
    this.#setItems(userId, node, remaining);
    return true;
  }

  #items(userId: UserId, node: string): readonly PepItemRecord[] {
    return this.tables().pepItems.get(userId)?.get(node) ?? [];
  }

  #setItems(userId: UserId, node: string, items: readonly PepItemRecord[]): void {
    const { pepItems } = this.tables();
    const nodes = new Map(pepItems.get(userId));
    if (items.length === 0) nodes.delete(node);
    else nodes.set(node, items);
    if (nodes.size === 0) pepItems.delete(userId);
    else pepItems.set(userId, nodes);
  }
}
