/**
 * A copy of `text` that keeps nothing else alive. V8 makes a substring of 13 characters or more a
 * view into its parent (a sliced string) and a concatenation a tree of its parts: a Call-ID taken
 * from a parsed REGISTER keeps the whole request (~600 bytes) in memory for as long as the binding
 * lives. Records that outlive the message they were read from copy the strings they keep.
 * Shorter strings are always copies already. JSON keeps every code unit as it was (a UTF-8 round
 * trip would replace lone surrogates).
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** ownString for optional fields. */
export function ownStringOrNull<T extends string | null | undefined>(text: T): T {
  return (typeof text === 'string' ? ownString(text) : text) as T;
}
