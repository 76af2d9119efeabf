// A bounded pool of in-flight requests: at most `size` run at once, the rest wait in arrival
// order. Small enough to own (p-limit, the usual library, is ESM-only and the project builds
// CommonJS for VS Code and the CLI).
export class Pool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a whole number >= 1 (got ${size})`);
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
