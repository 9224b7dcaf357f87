import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * A full garbage collection. V8 exposes one only under `--expose-gc`; editors start the server with plain `node`, so
 * the flag is set here and the function taken from a fresh context, where V8 installs it.
 */
export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/**
 * Gives memory back once the server goes quiet. V8 keeps the heap it grew to in a burst of work (typing in a large
 * file, an audit) until its next full collection, and an idle process never gets one: measured, a server idle at
 * 325 MB resident held 61 MB of live heap in 187 MB of committed heap. A full collection a few seconds after the
 * last work, repeated each second while the heap stays large (each frees part of it; V8 shrinks its young generation
 * only once allocation has been low for a while), brought that server to 158 MB after 4 seconds.
 */
export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly gc = collectGarbage,
    private readonly delayMs = 3000,
    private readonly smallHeap = 48 << 20,
  ) {}

  /** Some work was done: collect when none has followed for a while. */
  busy(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.collect(6), this.delayMs).unref();
  }

  private collect(rounds: number): void {
    this.gc();
    if (rounds > 1 && process.memoryUsage().heapTotal > this.smallHeap)
      this.timer = setTimeout(() => this.collect(rounds - 1), 1000).unref();
  }
}
