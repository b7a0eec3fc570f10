import { allocateTensorData, type NamedTensor, type TensorData, type TensorType } from '../named-tensor.js';
import type { PredictionRecord } from './prediction-columns.js';
import type { PackedBatch, PackedTensor } from './prediction-log-protocol.js';

/** Values per row up to which a tensor is logged as one column per value; wider rows go as bytes. */
export const MAX_SPREAD = 64;

const UTF8 = new TextEncoder();

/** Records a batch makes room for at first; its arrays double from there. */
const INITIAL_RECORDS = 256;

/** Bytes an id and its row's time and latency take in the Arrow file, about. */
const ROW_OVERHEAD_BYTES = 64;

type Numbers = Exclude<TensorData, string[]>;

/** One tensor of the batch's layout, and its values so far. */
interface Slot {
  readonly name: string;
  readonly column: string;
  readonly input: boolean;
  readonly type: TensorType;
  readonly width: number;
  readonly names: readonly string[] | null;
  /** Numeric: the elements, in an array of the tensor's own kind, `used` of them filled. */
  values: Numbers | null;
  used: number;
  readonly strings: string[] | null;
}

/**
 * One source's records waiting for a flush, copied as they arrive into a few growing arrays: the
 * ids (as UTF-8), times and latencies, and each tensor's values back to back. The request's own
 * arrays are not kept (they are often views of a batch's shared output buffer, or of a pooled
 * request body), so a flush hands these arrays to the log thread whole, transferred rather than
 * copied, and the requests' objects, their id strings too, die young instead of aging in the heap
 * until the flush: kept as strings, 8192 ids a batch made the HTTP thread's heap grow into a full
 * garbage collection every few seconds.
 *
 * A batch holds records of one layout: the same tensors, types and row widths. A record of another
 * layout (a model whose dimensions vary) does not fit (`sizeIfFits` is -1) and starts a batch of
 * its own.
 */
export class PendingBatch {
  private readonly slots: Slot[];
  private readonly hasStrings: boolean;
  /** Bytes of values per row, string tensors apart. */
  private readonly rowBytes: number;
  /** Arrow bytes per row of the fixed-width columns. */
  private readonly rowFileBytes: number;
  private idBytes: Uint8Array;
  private idEnds: Int32Array;
  private idLength = 0;
  private rowCounts: Int32Array;
  private times: Float64Array;
  private latencies: Float64Array;
  private count = 0;
  /** Predictions (rows) held. */
  rows = 0;
  /** Bytes of values held (what the buffer bound counts). */
  bytes = 0;
  /** About how large its Arrow file would be. */
  fileBytes = 0;

  private constructor(slots: Slot[], records: number) {
    this.slots = slots;
    this.idBytes = new Uint8Array(records * 40);
    this.idEnds = new Int32Array(records);
    this.rowCounts = new Int32Array(records);
    this.times = new Float64Array(records);
    this.latencies = new Float64Array(records);
    this.hasStrings = slots.some((slot) => slot.strings !== null);
    let rowBytes = 0;
    let rowFileBytes = ROW_OVERHEAD_BYTES;
    for (const slot of slots) {
      if (slot.strings !== null) continue;
      const size = elementBytes(slot.type) * slot.width;
      rowBytes += size;
      // Spread columns are float64; wide rows go as base64.
      rowFileBytes += slot.width > MAX_SPREAD ? Math.ceil(size / 3) * 4 : slot.width * 8;
    }
    this.rowBytes = rowBytes;
    this.rowFileBytes = rowFileBytes;
  }

  /**
   * A batch laid out for `record` (`rows` rows), or null when its tensors are not row-aligned
   * (a tensor whose length is not a multiple of the rows cannot be cut into them). `expected`:
   * the size of the source's previous batch, which this one likely reaches too: its arrays start
   * that large rather than doubling their way there (each doubling is garbage).
   */
  static start(
    record: PredictionRecord,
    rows: number,
    featureNames: ReadonlyMap<string, readonly string[]>,
    expected: { readonly records: number; readonly rows: number } = { records: 0, rows: 0 },
  ): PendingBatch | null {
    const capacity = Math.max(INITIAL_RECORDS, expected.rows, rows);
    const slots: Slot[] = [];
    const add = (tensor: NamedTensor, input: boolean): boolean => {
      const width = tensor.data.length / rows;
      if (!Number.isInteger(width)) return false;
      const names = input ? (featureNames.get(tensor.name) ?? null) : null;
      const strings = Array.isArray(tensor.data);
      slots.push({
        name: tensor.name,
        column: `${input ? 'in.' : 'out.'}${tensor.name}`,
        input,
        type: tensor.type,
        width,
        names: names?.length === width ? names : null,
        values: strings ? null : numbers(tensor.type, capacity * width),
        used: 0,
        strings: strings ? [] : null,
      });
      return true;
    };
    for (const tensor of record.inputs) if (!add(tensor, true)) return null;
    for (const tensor of record.outputs) if (!add(tensor, false)) return null;
    return new PendingBatch(slots, Math.max(INITIAL_RECORDS, expected.records));
  }

  /** Bytes of values `record` holds (what the buffer bound counts). */
  static sizeOf(record: PredictionRecord): number {
    let size = 0;
    for (const tensor of record.inputs) size += dataBytes(tensor.data);
    for (const tensor of record.outputs) size += dataBytes(tensor.data);
    return size;
  }

  get records(): number {
    return this.count;
  }

  /** The bytes of values of `record` (`rows` rows) when it has this batch's layout, else -1. */
  sizeIfFits(record: PredictionRecord, rows: number): number {
    const { inputs, outputs } = record;
    const slots = this.slots;
    if (inputs.length + outputs.length !== slots.length) return -1;
    for (let i = 0; i < slots.length; i += 1) {
      const input = i < inputs.length;
      const tensor = (input ? inputs[i] : outputs[i - inputs.length]) as NamedTensor;
      const slot = slots[i] as Slot;
      if (
        tensor.name !== slot.name ||
        tensor.type !== slot.type ||
        tensor.data.length !== rows * slot.width ||
        input !== slot.input
      )
        return -1;
    }
    if (!this.hasStrings) return rows * this.rowBytes;
    let size = rows * this.rowBytes;
    for (const tensor of inputs) if (Array.isArray(tensor.data)) size += dataBytes(tensor.data);
    for (const tensor of outputs) if (Array.isArray(tensor.data)) size += dataBytes(tensor.data);
    return size;
  }

  /** Copies `record` (`rows` rows, `size` bytes of values), which has this batch's layout, in. */
  append(record: PredictionRecord, rows: number, size: number): void {
    const at = this.count;
    if (at === this.times.length) this.growRecords();
    this.appendId(record.id);
    this.idEnds[at] = this.idLength;
    this.rowCounts[at] = rows;
    this.times[at] = record.time;
    this.latencies[at] = record.latencyMs;
    this.count = at + 1;
    const { inputs, outputs } = record;
    let fileBytes = rows * this.rowFileBytes;
    for (let i = 0; i < this.slots.length; i += 1) {
      const slot = this.slots[i] as Slot;
      const data = ((i < inputs.length ? inputs[i] : outputs[i - inputs.length]) as NamedTensor).data;
      if (slot.strings !== null) {
        for (const value of data as string[]) {
          slot.strings.push(value);
          fileBytes += value.length + 4;
        }
        continue;
      }
      const source = data as Numbers;
      let target = slot.values as Numbers;
      if (slot.used + source.length > target.length) {
        const grown = numbers(slot.type, Math.max(target.length * 2, slot.used + source.length));
        (grown as Float64Array).set(target.subarray(0, slot.used) as Float64Array);
        slot.values = target = grown;
      }
      // Same kind of array: a memory copy.
      (target as Float64Array).set(source as Float64Array, slot.used);
      slot.used += source.length;
    }
    this.rows += rows;
    this.bytes += size;
    this.fileBytes += fileBytes;
  }

  /** The batch as the log thread takes it, and the buffers to transfer (this batch is spent). */
  pack(): { batch: PackedBatch; transfer: ArrayBuffer[] } {
    const count = this.count;
    const transfer: ArrayBuffer[] = [
      this.idBytes.buffer as ArrayBuffer,
      this.idEnds.buffer as ArrayBuffer,
      this.rowCounts.buffer as ArrayBuffer,
      this.times.buffer as ArrayBuffer,
      this.latencies.buffer as ArrayBuffer,
    ];
    const tensors: PackedTensor[] = this.slots.map((slot) => {
      const values = slot.values;
      if (values !== null) transfer.push(values.buffer as ArrayBuffer);
      return {
        column: slot.column,
        type: slot.type,
        width: slot.width,
        names: slot.names,
        bytes: values === null ? null : (values.buffer as ArrayBuffer),
        byteLength: values === null ? 0 : slot.used * values.BYTES_PER_ELEMENT,
        strings: slot.strings,
      };
    });
    return {
      batch: {
        idBytes: this.idBytes.subarray(0, this.idLength),
        idEnds: this.idEnds.subarray(0, count),
        rowCounts: this.rowCounts.subarray(0, count),
        times: this.times.subarray(0, count),
        latencies: this.latencies.subarray(0, count),
        tensors,
      },
      transfer,
    };
  }

  /** `id` as UTF-8 at the end of idBytes: ASCII (UUIDs) byte by byte, anything else encoded. */
  private appendId(id: string): void {
    const length = id.length;
    // At most 3 bytes per UTF-16 unit.
    if (this.idLength + 3 * length > this.idBytes.length) {
      const grown = new Uint8Array(Math.max(this.idBytes.length * 2, this.idLength + 3 * length));
      grown.set(this.idBytes.subarray(0, this.idLength));
      this.idBytes = grown;
    }
    const bytes = this.idBytes;
    let at = this.idLength;
    for (let i = 0; i < length; i += 1) {
      const code = id.charCodeAt(i);
      if (code >= 0x80) {
        at = this.idLength + UTF8.encodeInto(id, bytes.subarray(this.idLength)).written;
        break;
      }
      bytes[at] = code;
      at += 1;
    }
    this.idLength = at;
  }

  private growRecords(): void {
    const size = this.times.length * 2;
    const idEnds = new Int32Array(size);
    idEnds.set(this.idEnds);
    this.idEnds = idEnds;
    const rowCounts = new Int32Array(size);
    rowCounts.set(this.rowCounts);
    this.rowCounts = rowCounts;
    const times = new Float64Array(size);
    times.set(this.times);
    this.times = times;
    const latencies = new Float64Array(size);
    latencies.set(this.latencies);
    this.latencies = latencies;
  }
}

/** A numeric tensor's array of `length` elements, of the kind NamedTensor holds its type in. */
function numbers(type: TensorType, length: number): Numbers {
  return allocateTensorData(type, length) as Numbers;
}

function dataBytes(data: TensorData): number {
  if (!Array.isArray(data)) return data.byteLength;
  let size = 0;
  for (const value of data) size += value.length * 2;
  return size;
}

/** Bytes per element of a numeric tensor type (strings: 0). */
export function elementBytes(type: TensorType): number {
  switch (type) {
    case 'bool':
    case 'int8':
    case 'uint8':
      return 1;
    case 'int16':
    case 'uint16':
    case 'float16':
      return 2;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 4;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 8;
    case 'string':
      return 0;
  }
}
