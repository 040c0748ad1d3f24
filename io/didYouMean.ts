// "did you mean `churn`?": the closest known name to a misspelt one, for unknown YAML fields (flags and commands get
// theirs from the CLI library).

/** Edit distance (insert, delete, substitute, swap two neighbours), stopping early past `max`. */
const distance = (a: string, b: string, max: number): number => {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev2: Array<number> = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1)
      cur.push(d)
      best = Math.min(best, d)
    }
    if (best > max) return max + 1
    prev2 = prev
    prev = cur
  }
  return prev[b.length]!
}

/** The known name closest to `word` (at most 2 edits, and fewer than half its letters), or undefined. */
export const closestName = (word: string, known: Iterable<string>): string | undefined => {
  const max = Math.min(2, Math.floor(word.length / 2))
  let best: { name: string; d: number } | undefined
  for (const name of known) {
    const d = distance(word.toLowerCase(), name.toLowerCase(), max)
    if (d <= max && (best === undefined || d < best.d)) best = { name, d }
  }
  return best?.name
}
