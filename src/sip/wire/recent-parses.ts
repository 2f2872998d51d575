/**
 * Remembers the last results of a pure header parser by the text parsed. One request's Via, From
 * and To are read again and again on their way through Herald (validation at parse time, the
 * transaction key, the proxy's loop check and copy, the response): under the SIP bench's call
 * scenario, parsing them again was a tenth of the server's time (docs/performance.md, "SIP").
 * The results are immutable values (readonly types), so sharing them is safe. Bounded: at most
 * `size` texts, the oldest forgotten first; long texts are not kept.
 */
const MAX_KEPT_LENGTH = 1024;

export function recentParses<T>(parse: (text: string) => T, size: number): (text: string) => T {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
  const kept = new Map<string, T>();
  // The texts in the order they were kept: a text leaves only here, when its slot is reused, so
  // the oldest is known without iterating the Map (whose front would be all holes: kernel/bounded-map.ts).
  const order: (string | undefined)[] = new Array(size);
  let next = 0;
  return (text) => {
    const hit = kept.get(text);
    if (hit !== undefined) return hit;
    const result = parse(text);
    if (text.length <= MAX_KEPT_LENGTH) {
      const oldest = order[next];
      if (oldest !== undefined) kept.delete(oldest);
      order[next] = text;
      next = (next + 1) % size;
      kept.set(text, result);
    }
    return result;
  };
}
