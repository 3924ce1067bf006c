/** A fixed-size ring of the most recent items, for `imagoctl logs` without touching disk. Pure. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.capacity <= 0) return;
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The last `count` items (all when omitted), oldest first. */
  last(count = this.capacity): T[] {
    const ordered = this.items.length < this.capacity ? this.items : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return count >= ordered.length ? [...ordered] : ordered.slice(ordered.length - count);
  }

  get size(): number {
    return this.items.length;
  }
}
