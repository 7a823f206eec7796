import { readFileSync } from 'node:fs';

/** This process's peak resident set (VmHWM of /proc/self/status) in MiB; maxRSS where there is no /proc. */
export function peakRssMiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
