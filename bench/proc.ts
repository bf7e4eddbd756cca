/** Memory and CPU time of a process as the kernel counts it (Linux /proc). */
import { readFileSync } from 'node:fs';

function statusMb(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!kb) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb[1]) / 1024;
}

/** Peak resident set size (VmHWM) of a process, in MB: no sampling can miss the peak. */
export const peakRssMb = (pid: number | 'self') => statusMb(pid, 'VmHWM');

/** Resident set size (VmRSS) of a process now, in MB. */
export const rssMb = (pid: number | 'self') => statusMb(pid, 'VmRSS');

/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux whatever the kernel's HZ). */
const USER_HZ = 100;

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** CPU time the whole machine has been busy (all CPUs; anything but idle and iowait), in seconds. */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / USER_HZ;
}

/** A process and its children (a --workers primary and its workers), from /proc/PID/task/PID/children. */
function tree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone, or a kernel without the children file: the process alone
  }
  return [pid, ...children.flatMap(tree)];
}

/** CPU time of a process and its living children, in seconds. */
export const treeCpuSeconds = (pid: number) => tree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0);

/** The peak resident set sizes of a process and its living children, summed, in MB. */
export const treePeakRssMb = (pid: number) => tree(pid).reduce((sum, p) => sum + peakRssMb(p), 0);
