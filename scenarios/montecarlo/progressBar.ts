// A minimal progress bar for runMonteCarlo's onProgress: drawn on a terminal only, so piped or CI output stays clean.

/** The slice of a stream a progress bar needs (process.stderr fits). */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly columns?: number
  write(chunk: string): unknown
}

/**
 * `(done, total) => void` drawing `[#####-----]  45%  4500/10000` in place on `stream` when it is a TTY; prints
 * nothing at all otherwise. Redraws only when the whole percentage changes; ends the line when done === total.
 */
export const progressBar = (stream: ProgressStream = process.stderr, label = "simulating"): ((done: number, total: number) => void) => {
  if (stream.isTTY !== true) return () => {}
  let lastPercent = -1
  let closed = false
  return (done, total) => {
    if (closed) return
    const percent = total > 0 ? Math.floor((100 * done) / total) : 100
    if (percent === lastPercent) return
    lastPercent = percent
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30))
    const filled = Math.round((width * percent) / 100)
    stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(percent).padStart(3)}%  ${done}/${total}`)
    if (done >= total) {
      stream.write("\n")
      closed = true
    }
  }
}
