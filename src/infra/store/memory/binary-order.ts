/**
 * Text order of the SQL adapters, for the memory store: SQLite's BINARY collation and
 * PostgreSQL's "C" collation compare UTF-8 bytes, which is code-point order. JavaScript's `<`
 * compares UTF-16 code units and `localeCompare` is linguistic; neither matches.
 */
export function compareBinary(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Compares by each key in turn. */
export function byKeys<T>(...keys: ((item: T) => string | number)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : compareBinary(String(x), String(y));
      if (order !== 0) return order;
    }
    return 0;
  };
}
