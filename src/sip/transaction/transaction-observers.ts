/**
 * RFC 3261 §17 — the users of one transaction: its TU and the transaction layer that owns it (which
 * removes it on Terminated) both listen; callbacks run in the order they were added.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
export class TransactionObservers<T extends object> {
  readonly #list: T[] = [];

  add(observer: T): void {
    this.#list.push(observer);
  }

  notify(call: (observer: T) => void): void {
    for (const observer of [...this.#list]) call(observer);
  }
}
