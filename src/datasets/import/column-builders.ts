import type { EncodedColumn } from './encoded-batch.js';

/*
 * Typed builders for one column of one batch. Each owns its ArrayBuffers, so a finished column can
 * be transferred to another thread without copying (never a slice of Node's shared Buffer pool).
 */

export class Float64Builder {
  readonly values: Float64Array;
  length = 0;
  present = 0;
  integer = true;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  appendMissing(count: number): void {
    this.values.fill(NaN, this.length, this.length + count);
    this.length += count;
  }

  /** `value` NaN for a missing value. */
  append(value: number): void {
    this.values[this.length++] = value;
    if (value === value) {
      this.present += 1;
      if (this.integer && !Number.isInteger(value)) this.integer = false;
    }
  }

  finish(): EncodedColumn {
    return { type: 'float64', values: exact(this.values, this.length), integer: this.integer };
  }
}

export class BoolBuilder {
  readonly values: Uint8Array;
  readonly valid: Uint8Array;
  length = 0;
  private missing = 0;

  constructor(capacity: number) {
    this.values = new Uint8Array(capacity);
    this.valid = new Uint8Array(capacity);
  }

  appendMissing(count: number): void {
    this.length += count;
    this.missing += count;
  }

  append(value: boolean | null): void {
    if (value === null) {
      this.length += 1;
      this.missing += 1;
      return;
    }
    this.values[this.length] = value ? 1 : 0;
    this.valid[this.length++] = 1;
  }

  finish(): EncodedColumn {
    return {
      type: 'bool',
      values: exact(this.values, this.length),
      valid: this.missing > 0 ? exact(this.valid, this.length) : null,
    };
  }
}

export class StringBuilder {
  readonly offsets: Int32Array;
  readonly valid: Uint8Array;
  length = 0;
  private missing = 0;
  private data: Buffer;
  private bytes = 0;

  constructor(capacity: number) {
    this.offsets = new Int32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
    this.data = Buffer.from(new ArrayBuffer(Math.max(1024, capacity * 8)));
  }

  appendMissing(count: number): void {
    this.offsets.fill(this.bytes, this.length + 1, this.length + count + 1);
    this.length += count;
    this.missing += count;
  }

  append(value: string | null): void {
    if (value === null) {
      this.appendMissing(1);
      return;
    }
    // Three UTF-8 bytes per UTF-16 unit at most.
    if (this.bytes + value.length * 3 > this.data.length) this.grow(this.bytes + value.length * 3);
    this.bytes += this.data.write(value, this.bytes);
    this.valid[this.length++] = 1;
    this.offsets[this.length] = this.bytes;
  }

  finish(): EncodedColumn {
    // Hand over a buffer of the right size: it may cross threads, and outlives this builder.
    const data = new Uint8Array(this.bytes);
    data.set(this.data.subarray(0, this.bytes));
    return {
      type: 'string',
      offsets: exact(this.offsets, this.length + 1),
      data,
      valid: this.missing > 0 ? exact(this.valid, this.length) : null,
    };
  }

  private grow(needed: number): void {
    const next = Buffer.from(new ArrayBuffer(Math.max(needed, this.data.length * 2)));
    this.data.copy(next, 0, 0, this.bytes);
    this.data = next;
  }
}

/**
 * The first `length` values: the array itself when full, else a copy of the right size, so that a
 * short batch (the end of a range) does not carry, or transfer, a whole batch's capacity.
 */
function exact<T extends Float64Array | Uint8Array | Int32Array>(array: T, length: number): T {
  return (length === array.length ? array : array.slice(0, length)) as T;
}
