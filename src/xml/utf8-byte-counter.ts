/**
 * UTF-8 byte offsets of positions in decoded text — RFC 3629 (UTF-8).
 * https://www.rfc-editor.org/rfc/rfc3629
 */
import { Buffer } from 'node:buffer';

/**
 * Maps the parser's character positions back to byte counts, so limits are in bytes without
 * keeping or re-reading the input: one native length pass per piece, and for pieces that are not
 * pure ASCII an incremental count between the positions asked for (which only move forward).
 */
export class Utf8ByteCounter {
  #piece = '';
  #pieceStart = 0;
  #pieceStartBytes = 0;
  #isAscii = true;
  #cursor = 0;
  #cursorBytes = 0;
  #totalChars = 0;
  #totalBytes = 0;

  /** Starts the next piece of text; positions are counted across all pieces. */
  begin(piece: string): void {
    const bytes = Buffer.byteLength(piece, 'utf8');
    this.#piece = piece;
    this.#pieceStart = this.#totalChars;
    this.#pieceStartBytes = this.#totalBytes;
    this.#isAscii = bytes === piece.length;
    this.#cursor = 0;
    this.#cursorBytes = this.#totalBytes;
    this.#totalChars += piece.length;
    this.#totalBytes += bytes;
  }

  /** The position of the current piece's first character. */
  get pieceStart(): number {
    return this.#pieceStart;
  }

  /** Bytes of every piece begun so far. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Bytes before character `position` (counted from the first piece), which lies in the current piece. */
  at(position: number): number {
    const local = position - this.#pieceStart;
    if (local <= 0) return this.#pieceStartBytes;
    if (this.#isAscii) return this.#pieceStartBytes + local;
    if (local < this.#cursor) {
      this.#cursor = 0;
      this.#cursorBytes = this.#pieceStartBytes;
    }
    this.#cursorBytes += Buffer.byteLength(this.#piece.slice(this.#cursor, local), 'utf8');
    this.#cursor = local;
    return this.#cursorBytes;
  }
}
