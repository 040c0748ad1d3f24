// Whether a process id is alive: how `serve`'s lock and state files tell a running service from a stale note.
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists but belongs to someone else — alive all the same
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}
