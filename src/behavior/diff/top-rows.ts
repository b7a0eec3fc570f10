/**
 * The k highest-ranked rows of a single pass, kept in a bounded min-heap (root = the weakest kept row),
 * so finding the rows that moved most costs O(n log k) and no per-row allocation. Rank: flagged rows
 * first, then larger magnitude (NaN ranks as infinite: an output that became NaN moved), then the
 * smaller row index, which makes the order total and deterministic.
 */
export class TopRows {
  private readonly rows: Int32Array;
  private readonly flags: Uint8Array;
  private readonly magnitudes: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.rows = new Int32Array(k);
    this.flags = new Uint8Array(k);
    this.magnitudes = new Float64Array(k);
  }

  /** Considers one row; rows must be offered in increasing index order for the tie rule to hold. */
  offer(row: number, flagged: boolean, magnitude: number): void {
    if (this.k === 0) return;
    const flag = flagged ? 1 : 0;
    const m = magnitude !== magnitude ? Infinity : magnitude;
    if (this.size < this.k) {
      this.place(this.size, row, flag, m);
      this.siftUp(this.size++);
      return;
    }
    // A later row ties an earlier one only by losing on index, so it must beat the root strictly.
    if (!this.beats(flag, m, row, 0)) return;
    this.place(0, row, flag, m);
    this.siftDown(0);
  }

  /** The kept row indices, best first. */
  ranked(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => (a === b ? 0 : this.slotBeats(a, b) ? -1 : 1));
    return order.map((i) => this.rows[i] as number);
  }

  private beats(flag: number, magnitude: number, row: number, slot: number): boolean {
    const otherFlag = this.flags[slot] as number;
    if (flag !== otherFlag) return flag > otherFlag;
    const otherMagnitude = this.magnitudes[slot] as number;
    if (magnitude !== otherMagnitude) return magnitude > otherMagnitude;
    return row < (this.rows[slot] as number);
  }

  private place(slot: number, row: number, flag: number, magnitude: number): void {
    this.rows[slot] = row;
    this.flags[slot] = flag;
    this.magnitudes[slot] = magnitude;
  }

  private swap(a: number, b: number): void {
    const row = this.rows[a] as number;
    const flag = this.flags[a] as number;
    const magnitude = this.magnitudes[a] as number;
    this.place(a, this.rows[b] as number, this.flags[b] as number, this.magnitudes[b] as number);
    this.place(b, row, flag, magnitude);
  }

  // Min-heap on rank: a child that the parent beats must move up.
  private siftUp(slot: number): void {
    let child = slot;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.slotBeats(parent, child)) return;
      this.swap(parent, child);
      child = parent;
    }
  }

  private siftDown(slot: number): void {
    let parent = slot;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let weakest = parent;
      if (left < this.size && this.slotBeats(weakest, left)) weakest = left;
      if (right < this.size && this.slotBeats(weakest, right)) weakest = right;
      if (weakest === parent) return;
      this.swap(parent, weakest);
      parent = weakest;
    }
  }

  private slotBeats(a: number, b: number): boolean {
    return this.beats(this.flags[a] as number, this.magnitudes[a] as number, this.rows[a] as number, b);
  }
}
