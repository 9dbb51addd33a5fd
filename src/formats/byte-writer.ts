/**
 * A page being written as bytes: copies of stored bodies and short ASCII pieces into one
 * growing buffer, so a page is never a string of every row decoded from UTF-8 and encoded back.
 */
const SHORT_COPY = 64;

export class ByteWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(expectedBytes: number) {
    this.#buffer = Buffer.allocUnsafe(Math.max(256, expectedBytes));
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  bytes(source: Buffer, start: number, end: number): void {
    this.#reserve(end - start);
    if (end - start > SHORT_COPY) {
      this.#length += source.copy(this.#buffer, this.#length, start, end);
      return;
    }
    // Most values are a few bytes: a loop beats the native call's fixed cost (a CSV page made
    // 37 such calls per row).
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = start; i < end; i++) buffer[at++] = source[i] as number;
    this.#length = at;
  }

  /** Text of any kind, as UTF-8. */
  text(value: string): void {
    this.#reserve(value.length * 3);
    this.#length += this.#buffer.write(value, this.#length, 'utf8');
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  /**
   * The page. Caches and the in-flight bound count a page by its length, so a page that used
   * well under the buffer it was written in is copied out rather than keeping the rest alive.
   */
  done(): Buffer {
    const page = this.#buffer.subarray(0, this.#length);
    return this.#length >= this.#buffer.length * 0.75 ? page : Buffer.from(page);
  }
}
