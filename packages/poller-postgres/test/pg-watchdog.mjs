// Stops a test PostgreSQL server and removes its directory once the process that started it is gone,
// however it ended (SIGKILL, Ctrl-C). Started detached, so a signal to the test run's group spares it.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const [parentPid, pgctl, data, dir, user] = process.argv.slice(2);
const alive = (pid) => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};
const timer = setInterval(() => {
  if (alive(parentPid)) return;
  clearInterval(timer);
  const stop = [pgctl, "-D", data, "-m", "immediate", "-w", "stop"];
  try {
    if (user) execFileSync("runuser", ["-u", user, "--", ...stop], { stdio: "ignore" });
    else execFileSync(stop[0], stop.slice(1), { stdio: "ignore" });
  } catch {}
  rmSync(dir, { recursive: true, force: true });
}, 500);
