/**
 * A throwaway PostgreSQL server from Debian's packages, for tests and benchmarks: initdb in a temporary
 * directory, pg_ctl on a free loopback port, stopped and removed afterwards. A detached watchdog stops it
 * when the starting process dies without tearing down (SIGKILL, Ctrl-C): no server outlives its test run.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** fsync and synchronous commit on (benchmarks); off by default: tests do not survive power loss. */
  durable?: boolean;
}

/** The newest Debian server under /usr/lib/postgresql, installing the package when missing (root only). */
export function findBinaries(): string {
  const find = () =>
    existsSync("/usr/lib/postgresql")
      ? readdirSync("/usr/lib/postgresql")
          .filter((v) => existsSync(join("/usr/lib/postgresql", v, "bin", "pg_ctl")))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => join("/usr/lib/postgresql", v, "bin"))[0]
      : undefined;
  let bin = find();
  if (!bin) {
    execFileSync("bash", [join(here, "..", "scripts", "install-postgres.sh")], { stdio: "inherit" });
    bin = find();
  }
  if (!bin) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql after installing");
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

const isRoot = process.getuid?.() === 0;
/** initdb refuses to run as root: as root, every server command runs as Debian's `postgres` user. */
const asServerUser = (cmd: string, args: string[]): [string, string[]] =>
  isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];

export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const bin = findBinaries();
  const dir = mkdtempSync(join(tmpdir(), "paycross-pg-"));
  const data = join(dir, "data");
  if (isRoot) {
    const ids = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const pgctl = join(bin, "pg_ctl");
  const watchdog = startWatchdog(pgctl, data, dir);
  const cleanup = () => {
    try {
      execFileSync(...asServerUser(pgctl, ["-D", data, "-m", "immediate", "-w", "stop"]), {
        stdio: "ignore",
      });
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", cleanup);
  try {
    await run(...asServerUser(join(bin, "initdb"), ["-A", "trust", "-U", "postgres", "-E", "UTF8", data]));
    const durable = options.durable ? "on" : "off";
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const settings = [
        `-p ${port}`,
        `-k ${dir}`,
        "-c listen_addresses=127.0.0.1",
        "-c max_connections=300",
        `-c fsync=${durable}`,
        `-c synchronous_commit=${durable}`,
        `-c full_page_writes=${durable}`,
      ].join(" ");
      const start = ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "-o", settings, "start"];
      try {
        await run(...asServerUser(pgctl, start));
        break;
      } catch (e) {
        // Another process took the port between probing and binding: try another one.
        if (attempt >= 3) throw new Error(`pg_ctl start failed:\n${readLog(dir)}`, { cause: e });
      }
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      async stop() {
        process.off("exit", cleanup);
        try {
          await run(...asServerUser(pgctl, ["-D", data, "-m", "fast", "-w", "stop"]));
        } finally {
          rmSync(dir, { recursive: true, force: true });
          if (watchdog.pid) process.kill(watchdog.pid);
        }
      },
    };
  } catch (e) {
    process.off("exit", cleanup);
    cleanup();
    if (watchdog.pid) process.kill(watchdog.pid);
    throw e;
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "server.log"), "utf8").slice(-2000);
  } catch {
    return "(no server log)";
  }
}

function startWatchdog(pgctl: string, data: string, dir: string) {
  const script = join(here, "pg-watchdog.mjs");
  const args = [script, String(process.pid), pgctl, data, dir, isRoot ? "postgres" : ""];
  const child = spawn(process.execPath, args, { detached: true, stdio: "ignore" });
  child.unref();
  return child;
}
