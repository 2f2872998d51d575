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
  return (text) => {
    const hit = kept.get(text);
    if (hit !== undefined) return hit;
    const result = parse(text);
    if (text.length <= MAX_KEPT_LENGTH) {
      if (kept.size >= size) {
        const oldest = kept.keys().next().value;
        if (oldest !== undefined) kept.delete(oldest);
      }
      kept.set(text, result);
    }
    return result;
  };
}
