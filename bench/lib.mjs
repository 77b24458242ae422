// Shared helpers: child-process servers (so their CPU is theirs), CPU accounting, statistics.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Starts `node file` (or a command) and resolves once it prints a URL; it is killed by `stop()`. */
export function startChild(command, args, env = {}, readyPattern = /(http:\/\/127\.0\.0\.1:\d+)/) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const onData = (d) => {
      out += d;
      const m = readyPattern.exec(out);
      if (m) {
        child.stdout.off("data", onData);
        resolve({
          url: m[1],
          pid: child.pid,
          stop: () =>
            new Promise((r) => {
              if (child.exitCode !== null) return r();
              child.once("exit", () => r());
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 2000).unref();
            }),
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.once("exit", (code) =>
      reject(
        new Error(`${command} ${args.join(" ")} exited ${code} before it was ready:\n${out.slice(-2000)}`),
      ),
    );
    setTimeout(
      () => reject(new Error(`${command} not ready after 30 s:\n${out.slice(-2000)}`)),
      30_000,
    ).unref();
  });
}

/** CPU time (user + system) of another process, in microseconds, from /proc. */
export function processCpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** CPU of a process tree (prism spawns workers). */
export function treeCpuMicros(pid) {
  let total = processCpuMicros(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const c of children) total += treeCpuMicros(Number(c));
  } catch {}
  return total;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : Number.NaN;
};
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};

/** Runs `call` from `concurrency` loops for `ms`; returns calls/s and this process's CPU µs per call. */
export async function drive(call, { concurrency, ms }) {
  let calls = 0;
  let stop = false;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (!stop) {
      await call();
      calls++;
    }
  };
  const timer = setTimeout(() => {
    stop = true;
  }, ms);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(timer);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: calls / elapsed, cpuMicrosPerCall: (cpu.user + cpu.system) / calls, calls };
}

export const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";

export function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((v, i) => String(v).padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}
