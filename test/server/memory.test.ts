import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectGarbage, IdleCollector } from '../../server/memory';

describe('IdleCollector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A collector after its first work, with a 3 s delay; its heap counts as large when over `smallHeap`. */
  const busyCollector = (smallHeap: number): { gc: ReturnType<typeof vi.fn>; full: () => number; idle: IdleCollector } => {
    const gc = vi.fn();
    const idle = new IdleCollector(gc, 3000, smallHeap);
    idle.busy();
    return { gc, full: () => gc.mock.calls.filter((c) => c[0] !== 'minor').length, idle };
  };

  it('scavenges once right after a burst of work', () => {
    const { gc, idle } = busyCollector(Infinity);
    idle.busy(); // more work in the same turn: still one scavenge
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(gc.mock.calls).toEqual([['minor']]);
    idle.busy();
    vi.advanceTimersByTime(0);
    expect(gc.mock.calls).toEqual([['minor'], ['minor']]);
  });

  it('collects in full once the server has been idle for the delay, not while work goes on', () => {
    const { full, idle } = busyCollector(Infinity);
    vi.advanceTimersByTime(2000);
    idle.busy(); // a keystroke restarts the wait
    vi.advanceTimersByTime(2999);
    expect(full()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(full()).toBe(1);
    vi.advanceTimersByTime(60_000); // the heap is small: one collection is enough
    expect(full()).toBe(1);
  });

  it('repeats each second while the heap stays large, at most six times', () => {
    const { full } = busyCollector(0);
    vi.advanceTimersByTime(3000 + 2 * 1000);
    expect(full()).toBe(3);
    vi.advanceTimersByTime(60_000);
    expect(full()).toBe(6);
  });

  it('stops repeating when work resumes', () => {
    const { full, idle } = busyCollector(0);
    vi.advanceTimersByTime(3000);
    idle.busy();
    vi.advanceTimersByTime(2999);
    expect(full()).toBe(1);
  });
});

describe('collectGarbage', () => {
  it('frees what is no longer referenced, at once', () => {
    const holder: { garbage?: object[] } = { garbage: Array.from({ length: 400_000 }, (_, i) => ({ i, s: `item ${i}` })) };
    collectGarbage('minor');
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    expect(holder.garbage?.length).toBe(400_000);
    delete holder.garbage;
    collectGarbage();
    // ~30 MB of objects: most of it must be gone
    expect(before - process.memoryUsage().heapUsed).toBeGreaterThan(15 << 20);
  });
});
