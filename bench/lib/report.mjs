// Sections, tables, targets (met / missed, never rounded into met) and their Markdown.
export const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";

/** "0.81× (0.77–0.84)": a spread's median with its min–max. */
export const fmtSpread = (s, digits = 2, unit = "×") =>
  `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/** "2,587 (1,119–4,055)": a spread's median with its min–max, no unit (table cells). */
export const fmtRange = (s, digits = 0) =>
  `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

export function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((v, i) => String(v).padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/**
 * A target and its verdict. `met` is computed from the unrounded value; `null` means not measured (the
 * reason says why), which is never counted as met.
 */
export function target(label, { value, ok, shown, reason }) {
  const met = reason ? null : Boolean(ok) && Number.isFinite(value);
  return { label, shown: reason ? "not measured" : shown, met, reason };
}

/** A target on a ratio's spread: met when its unrounded median is at least `min`. */
export const ratioTarget = (label, ratio, min, extra = {}) =>
  target(label, {
    value: ratio?.median,
    ok: ratio?.median >= min,
    shown: ratio && fmtSpread(ratio),
    ...extra,
  });

export const verdict = (t) =>
  t.met === null ? `not measured: ${t.reason}` : t.met ? "**met**" : "**missed**";

/** One benchmark's Markdown: intro, tables with their plots, targets, notes. */
export function sectionMarkdown(s, plotDir = "bench/plots") {
  const out = [`## ${s.title}`, ""];
  if (s.intro) out.push(s.intro, "");
  for (const t of s.tables ?? []) {
    if (t.caption) out.push(t.caption, "");
    out.push(table(t.head, t.rows), "");
    for (const p of t.plots ?? []) out.push(`![${p.title}](${plotDir}/${p.file})`, "");
  }
  if (s.targets?.length) {
    out.push("| target | measured (median, min–max) | verdict |", "| --- | --- | --- |");
    for (const t of s.targets) out.push(`| ${t.label} | ${t.shown} | ${verdict(t)} |`);
    out.push("");
  }
  for (const n of s.notes ?? []) out.push(`- ${n}`);
  if (s.notes?.length) out.push("");
  return out.join("\n");
}

/** The same section as plain text for the console. */
export const sectionText = (s) => sectionMarkdown(s).replace(/!\[[^\]]*\]\([^)]*\)\n\n/g, "");
