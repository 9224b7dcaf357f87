/** A progress bar on standard error, only when it is a terminal (never in CI logs or pipes). */
export function progressBar(enabled: boolean): { update: (done: number, total: number) => void; done: () => void } {
  const tty = enabled && process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!tty || total < 20) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} programs`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
