/**
 * Splits a JSON array arriving in chunks into its items, one JSON.parse per item, so that an answer of any length
 * is read with the memory of its largest item. Strings, escapes and nesting are tracked byte by byte (every byte of
 * a multi-byte UTF-8 character is >= 0x80, so none is mistaken for a bracket, quote or comma).
 */
export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private closed = false;
  /** Bytes of the item being read. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private index = 0;

  /**
   * @param onItem  called with each item, in order (it may throw: the error ends the read)
   * @param maxItemBytes  the longest single item accepted
   */
  constructor(
    private readonly onItem: (item: unknown, index: number) => void,
    private readonly maxItemBytes: number,
  ) {}

  /** Feeds the next bytes. Throws a JsonStreamError where the bytes stop being a JSON array. */
  push(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = -1; // start of the current item's bytes within this chunk
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (this.closed) {
        if (!isSpace(c)) throw new JsonStreamError(`unexpected ${show(c)} after the end of the array`);
        continue;
      }
      if (!this.started) {
        if (isSpace(c)) continue;
        if (c !== 0x5b) throw new JsonStreamError(`the body does not start with "[" but with ${show(c)}`);
        this.started = true;
        this.depth = 1;
        continue;
      }
      if (this.inString) {
        if (from < 0) from = i; // a string that began in an earlier chunk
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (this.depth === 1 && (c === 0x2c || c === 0x5d)) {
        if (from >= 0) this.keep(buf.subarray(from, i));
        from = -1;
        this.emit(c === 0x5d);
        if (c === 0x5d) {
          this.depth = 0;
          this.closed = true;
        }
        continue;
      }
      if (from < 0 && !(this.depth === 1 && isSpace(c))) from = i;
      if (c === 0x22) this.inString = true;
      else if (c === 0x5b || c === 0x7b) this.depth++;
      else if (c === 0x5d || c === 0x7d) this.depth--;
    }
    if (from >= 0) this.keep(buf.subarray(from));
  }

  /** The body has ended: throws unless it was a whole array. Returns the number of items. */
  end(): number {
    if (!this.started) throw new JsonStreamError('the body is empty');
    if (!this.closed) throw new JsonStreamError(`the body ends before the array closes (after ${this.index} items)`);
    return this.index;
  }

  private keep(bytes: Buffer) {
    this.partBytes += bytes.length;
    if (this.partBytes > this.maxItemBytes) throw new JsonStreamError(`item ${this.index} is longer than ${this.maxItemBytes} bytes`);
    this.parts.push(Buffer.from(bytes)); // a copy: the chunk's memory is not kept alive by a small slice
  }

  private emit(closing: boolean) {
    const text = Buffer.concat(this.parts).toString('utf8').trim();
    this.parts = [];
    this.partBytes = 0;
    if (!text) {
      if (closing && this.index === 0) return; // []
      throw new JsonStreamError(`an empty item at position ${this.index}`);
    }
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch (err: any) {
      throw new JsonStreamError(`item ${this.index} is not valid JSON (${err?.message ?? err}): ${text.slice(0, 120)}`);
    }
    this.onItem(item, this.index++);
  }
}

/** The bytes are not a JSON array. */
export class JsonStreamError extends Error {}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const show = (c: number) => (c >= 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16)}`);
