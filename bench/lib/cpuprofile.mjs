// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by where the code lives.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fmt, table } from "./report.mjs";

/** Where a function's code lives: a package, the project's own dist/, Node's internals, or V8. */
function placeOf(url, name) {
  if (!url) return name.startsWith("(") ? name : "(native / V8 builtins)";
  const nm = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1);
  if (nm) return nm[1];
  const own = /(packages|apps|spec)\/([^/]+)\//.exec(url);
  if (own) return `@paycross/${own[2]} (own code)`;
  if (url.startsWith("node:"))
    return url
      .replace(/^node:(internal\/)?/, "node:")
      .split("/")
      .slice(0, 2)
      .join("/");
  return url.split("/").slice(-2).join("/");
}

/** Self time of the samples in the last `windowMs` of the profile (the load, not the start-up). */
export function summarizeProfile(dir, windowMs = Number.POSITIVE_INFINITY) {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
  const from = profile.endTime - windowMs * 1000;
  const self = new Map(); // node id → µs in the window
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (t >= from) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const byFn = new Map();
  const byPlace = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const us = self.get(node.id) ?? 0;
    if (!us || functionName === "(idle)") continue;
    busy += us;
    const name = functionName || "(anonymous)";
    const key = `${name} ${url ? `${url.split("/").slice(-2).join("/")}:${lineNumber + 1}` : ""}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const place = placeOf(url, name);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  const pct = (us) => `${fmt((us / busy) * 100, 1)}%`;
  return {
    busyMs: busy / 1000,
    markdown: [
      "By where the code lives (self time, share of the non-idle samples):",
      "",
      table(
        ["place", "self"],
        top(byPlace, 12).map(([p, us]) => [p, pct(us)]),
      ),
      "",
      "Top functions by self time:",
      "",
      table(
        ["function (file:line)", "self"],
        top(byFn, 20).map(([f, us]) => [f.replaceAll("|", "\\|"), pct(us)]),
      ),
    ].join("\n"),
  };
}
