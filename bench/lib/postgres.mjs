// A throw-away PostgreSQL server for the workers benchmark: initdb in a temporary directory, run as the
// unprivileged `postgres` user (or this user when not root), on a free loopback port; stop() removes it.
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function binDir() {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
  return undefined;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

/** Resolves to `{ url, pid, stop }`, or throws with the reason PostgreSQL is not available here. */
export async function startPostgres() {
  const bin = binDir();
  if (!bin) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
  const root = process.getuid?.() === 0;
  const user = root ? spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }) : undefined;
  if (root && user.status !== 0)
    throw new Error("running as root and there is no `postgres` user to run the server as");
  const dir = mkdtempSync(join(tmpdir(), "paycross-bench-pg-"));
  if (root) chownSync(dir, Number(user.stdout.trim()), Number(user.stdout.trim()));
  const as = (cmd, args) => (root ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);
  const data = join(dir, "data");
  const init = spawnSync(
    ...as(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "bench", "--no-sync", "-E", "UTF8"]),
    {
      encoding: "utf8",
    },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr.slice(-1000)}`);
  }
  const port = await freePort();
  const [cmd, args] = as(join(bin, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "max_connections=100",
    "-c",
    "shared_preload_libraries=pg_stat_statements",
    "-c",
    "pg_stat_statements.track=all",
  ]);
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`postgres not ready after 30 s:\n${log.slice(-1500)}`)),
      30_000,
    );
    child.stderr.on("data", (d) => {
      log = (log + d).slice(-20_000);
      if (/ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited ${code}:\n${log.slice(-1500)}`));
    });
  });
  return {
    url: `postgres://bench@127.0.0.1:${port}/postgres`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGINT"); // fast shutdown
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}
