import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleCollector } from '../../server/memory';

describe('IdleCollector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A collector after its first work, with a 3 s delay; its heap counts as large when over `smallHeap`. */
  const busyCollector = (smallHeap: number): { gc: ReturnType<typeof vi.fn>; idle: IdleCollector } => {
    const gc = vi.fn();
    const idle = new IdleCollector(gc, 3000, smallHeap);
    idle.busy();
    return { gc, idle };
  };

  it('collects once the server has been idle for the delay, not while work goes on', () => {
    const { gc, idle } = busyCollector(Infinity);
    vi.advanceTimersByTime(2000);
    idle.busy(); // a keystroke restarts the wait
    vi.advanceTimersByTime(2999);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000); // the heap is small: one collection is enough
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it('repeats each second while the heap stays large, at most six times', () => {
    const { gc } = busyCollector(0);
    vi.advanceTimersByTime(3000 + 2 * 1000);
    expect(gc).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(60_000);
    expect(gc).toHaveBeenCalledTimes(6);
  });

  it('stops repeating when work resumes', () => {
    const { gc, idle } = busyCollector(0);
    vi.advanceTimersByTime(3000);
    idle.busy();
    vi.advanceTimersByTime(2999);
    expect(gc).toHaveBeenCalledTimes(1);
  });
});
