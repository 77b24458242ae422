// Preloaded (node --import) into a child whose CPU time the bench wants: writes user + system µs to
// $BENCH_CPU_FILE when the process exits, however it exits.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  const u = process.cpuUsage();
  if (process.env.BENCH_CPU_FILE) writeFileSync(process.env.BENCH_CPU_FILE, String(u.user + u.system));
});
