/**
 * Child processes for tests: bounded in time, output captured, and the whole process group stopped on
 * timeout so that nothing a test started outlives it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function runCommand(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const { cwd, env = process.env, timeoutMs = 300_000 } = options;
  return new Promise((resolve, reject) => {
    // detached: the child leads its own process group, which a timeout kills as a whole.
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      output += s;
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
      output += s;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, output, timedOut });
    });
  });
}

/** The pinned pnpm of the workspace (a root dev dependency), run with this Node: no npx, no network. */
export function pnpmCommand(root: string): [string, string[]] {
  return [process.execPath, [join(root, "node_modules", "pnpm", "bin", "pnpm.cjs")]];
}

export function runPnpm(root: string, args: string[], options: RunOptions): Promise<RunResult> {
  const [cmd, pre] = pnpmCommand(root);
  return runCommand(cmd, [...pre, ...args], options);
}

/**
 * The environment of a newcomer's shell: none of the variables that CI, a parent pnpm or turbo, or the
 * developer's own configuration set (any of them could hide a notice the project must silence itself),
 * an empty user `.npmrc`, and fresh XDG config, state and cache folders under `home`. The pnpm store
 * (XDG data) is kept, so installs stay offline.
 */
export function newcomerEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const dropped =
    /^(npm_|pnpm_|turbo_|ci$|continuous_integration$|do_not_track$|github_|vitest|node_options$)/i;
  for (const [k, v] of Object.entries(process.env)) if (!dropped.test(k)) env[k] = v;
  for (const d of ["config", "state", "cache"]) mkdirSync(join(home, d), { recursive: true });
  writeFileSync(join(home, "npmrc"), "");
  return {
    ...env,
    npm_config_userconfig: join(home, "npmrc"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_STATE_HOME: join(home, "state"),
    XDG_CACHE_HOME: join(home, "cache"),
  };
}
