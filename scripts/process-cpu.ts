/**
 * CPU time of a process tree, for the scripts that measure training in a
 * browser: Chromium spreads its work over several processes, and under load
 * their CPU time says more than the wall clock.
 */
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU seconds (user + system) used so far by every process descending from
 * this one (Chromium's browser, renderer and helper processes), from
 * `/proc/<pid>/stat`; Linux only, `NaN` elsewhere.
 */
export function childrenCpuSeconds(): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return NaN;
  }
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name (which may contain spaces) in parentheses: state, ppid, ..., utime (14), stime (15).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(pid), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we were reading
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let at = stats.get(pid)?.parent; at !== undefined && at > 1; at = stats.get(at)?.parent) if (at === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, { ticks: t }] of stats) if (isDescendant(pid)) ticks += t;
  return ticks / CLOCK_TICKS_PER_SECOND;
}
/** Linux's USER_HZ, the unit of the times in `/proc/<pid>/stat`. */
const CLOCK_TICKS_PER_SECOND = 100;
