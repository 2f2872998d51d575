/**
 * XEP-0363 §6 Upload: "The upload service MUST reject the file upload if the Content-Length does
 * not match the size of the slot request." The declared length is checked before the body is
 * read; this wrapper checks the bytes themselves, so that no more than the slot's size is ever
 * written and a short body is never stored.
 */

export type ContentProblem = 'too-long' | 'too-short' | 'broken';

/** What became of the body while it was read. */
export interface ContentWatch {
  received: number;
  /** Set when the wrapper stopped the body (too-long, too-short) or the sender's stream failed (broken). */
  problem: ContentProblem | null;
}

class ContentStopped extends Error {
  override readonly name = 'ContentStopped';
}

/**
 * Passes `source` through, failing as soon as it goes past `size` bytes (before writing any byte
 * too many) or ends short of it; `watch` says why it failed.
 */
export function exactSize(
  source: AsyncIterable<Uint8Array>,
  size: number,
  watch: ContentWatch,
): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const chunk of source) {
          watch.received += chunk.byteLength;
          if (watch.received > size) {
            watch.problem = 'too-long';
            throw new ContentStopped(`the body goes past the slot's ${size} bytes`);
          }
          yield chunk;
        }
      } catch (error) {
        watch.problem ??= 'broken';
        throw error;
      }
      if (watch.received !== size) {
        watch.problem = 'too-short';
        throw new ContentStopped(`the body ended after ${watch.received} of the slot's ${size} bytes`);
      }
    },
  };
}
