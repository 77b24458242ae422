// Child-process servers (so that their CPU is theirs, read from /proc) and CPU accounting.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const benchDir = fileURLToPath(new URL("..", import.meta.url));

/** Starts `command args` and resolves once it prints a URL; `stop()` ends it (SIGTERM, then SIGKILL). */
export function startChild(command, args, env = {}, readyPattern = /(http:\/\/127\.0\.0\.1:\d+)/) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const fail = (why) => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} ${why}:\n${out.slice(-2000)}`));
    };
    const ready = setTimeout(() => fail("not ready after 30 s"), 30_000);
    const onData = (d) => {
      out += d;
      const m = readyPattern.exec(out);
      if (!m) return;
      clearTimeout(ready);
      child.stdout.off("data", onData);
      child.stdout.resume();
      resolve({
        url: m[1],
        pid: child.pid,
        child,
        stop: (signal = "SIGTERM") =>
          new Promise((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r();
            child.once("exit", () => r());
            child.kill(signal);
            setTimeout(() => child.kill("SIGKILL"), 3000).unref();
          }),
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d) => {
      out += d;
      if (out.length > 20_000) out = out.slice(-10_000);
    });
    child.once("exit", (code) => {
      clearTimeout(ready);
      reject(
        new Error(`${command} ${args.join(" ")} exited ${code} before it was ready:\n${out.slice(-2000)}`),
      );
    });
  });
}

/** Starts the mock gateway (bench/servers/mock.mjs) in its own process; DELAY as that file describes. */
export const startMock = (env = {}, nodeArgs = []) =>
  startChild(
    process.execPath,
    [...nodeArgs, fileURLToPath(new URL("../servers/mock.mjs", import.meta.url))],
    env,
  );

/**
 * CPU time of another process in µs, from /proc/<pid>/stat: its own user + system time and (`reaped`)
 * that of its children it has already waited for, whose time would otherwise vanish when they exit.
 */
export function processCpuMicros(pid, reaped = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
    return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU of a process tree (Prism spawns workers; PostgreSQL forks a backend per connection): every live
 * process's own time plus the time of the children each has reaped, so a backend that exits keeps
 * counting. Each exited process is counted once, in the one live parent that waited for it.
 */
export function treeCpuMicros(pid) {
  let total = processCpuMicros(pid, true);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const c of children) total += treeCpuMicros(Number(c));
  } catch {}
  return total;
}

/** This process's CPU in µs (user + system). */
export const selfCpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Measures CPU % (of one core) of this process and of other pids over a window: `const w = cpuWindow([pid]); …; w.end()`. */
export function cpuWindow(pids = []) {
  const t0 = performance.now();
  const self0 = selfCpuMicros();
  const others0 = pids.map(treeCpuMicros);
  return {
    end() {
      const wallMicros = (performance.now() - t0) * 1000;
      return {
        seconds: wallMicros / 1e6,
        selfPercent: ((selfCpuMicros() - self0) / wallMicros) * 100,
        othersPercent: pids.map((p, i) => ((treeCpuMicros(p) - others0[i]) / wallMicros) * 100),
      };
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
