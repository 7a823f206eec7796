// Child processes with a time limit, and process groups that are always stopped.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Runs a command to completion within `timeoutMs`, output to the console (or `quiet`:
 * collected and shown only on failure). Rejects on a non-zero exit or the time limit,
 * after killing the command's whole process group.
 */
export function run(cmd, args, { cwd, env, timeoutMs = 10 * 60_000, quiet = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'] });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
    }
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; killGroup(child.pid, 'SIGKILL'); }, timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) { resolvePromise(output); return; }
      const why = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exited with ${code ?? signal}`;
      reject(new Error(`${cmd} ${args.join(' ')} ${why}${quiet && output ? `:\n${output.slice(-4000)}` : ''}`));
    });
  });
}

/** Signals a process group (the leader was spawned detached, so its pgid is its pid). */
export function killGroup(pid, signal = 'SIGTERM') {
  if (!pid) return false;
  try { process.kill(-pid, signal); return true; } catch { return false; }
}

export function groupAlive(pid) {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

/** SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopGroup(pid, graceMs = 5000) {
  if (!killGroup(pid, 'SIGTERM')) return;
  const until = Date.now() + graceMs;
  while (Date.now() < until && groupAlive(pid)) await delay(100);
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
}

export function log(message) {
  const t = new Date().toISOString().slice(11, 19);
  console.log(`[e2e ${t}] ${message}`);
}
