/**
 * A server process's resident memory and CPU time, read from Linux procfs (proc(5),
 * https://man7.org/linux/man-pages/man5/proc.5.html): VmRSS of /proc/<pid>/status and
 * utime + stime of /proc/<pid>/stat, summed over the processes that make up the server.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (sysconf(_SC_CLK_TCK), 100 on Linux). */
const CLOCK_TICKS = 100;

/** Resident set size in bytes; 0 when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The fields after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // Fields 14 and 15 of proc(5) are utime and stime; the slice starts at field 3 (state).
  if (!fields) return 0;
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function totalRss(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
}

export function totalCpu(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** `root` and every process below it (children, grandchildren …). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (!fields) continue;
    const ppid = Number(fields[1]); // field 4 of proc(5)
    const list = parents.get(ppid) ?? [];
    list.push(pid);
    parents.set(ppid, list);
  }
  const tree: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const pid = frontier.pop() as number;
    tree.push(pid);
    frontier.push(...(parents.get(pid) ?? []));
  }
  return tree;
}

/** The command name (/proc/<pid>/comm), or '' when the process is gone. */
export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Seconds CPU `cpu` has been busy (not idle, not waiting for I/O), from /proc/stat. */
export function cpuBusySeconds(cpu: string): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) return Number.NaN;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS
  );
}
