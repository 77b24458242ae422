// Plots: Vega-Lite specs rendered headless to SVG with vega's View.toSVG() (no browser, no canvas).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile } from "vega-lite";
import { fmt } from "./report.mjs";
import { spread } from "./stats.mjs";

const FONT = { font: "Helvetica, Arial, sans-serif", labelFontSize: 11, titleFontSize: 12 };

export async function renderSvg(spec) {
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: { axis: FONT, legend: FONT, title: { fontSize: 13 }, view: { stroke: null } },
    ...spec,
  };
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Writes each plot of each table of each section to `dir` (only a full run calls this). */
export async function writePlots(sections, dir) {
  mkdirSync(dir, { recursive: true });
  for (const s of sections)
    for (const t of s.tables ?? [])
      for (const p of t.plots ?? []) writeFileSync(join(dir, p.file), await renderSvg(p.spec));
}

/** The bars of `barSpread` from interleaved runs: one per variant, the spread of `pick` over rounds. */
export function spreadBars(runs, pick, { label = (name) => name, digits = 0, unit = "µs" } = {}) {
  return Object.entries(runs).map(([name, rs]) => {
    const s = spread(rs.map(pick));
    return { label: label(name), ...s, text: `${fmt(s.median, digits)} ${unit}` };
  });
}

/**
 * Horizontal bars (median of the rounds) with a min–max rule; `ref` draws a dashed target line.
 * rows: [{ label, median, min, max }].
 */
export function barSpread({ title, rows, xTitle, ref, refLabel }) {
  const layers = [
    {
      mark: { type: "bar", color: "#4c78a8" },
      encoding: { x: { field: "median", type: "quantitative", title: xTitle } },
    },
    {
      mark: { type: "rule", color: "black", strokeWidth: 1.5 },
      encoding: { x: { field: "min", type: "quantitative" }, x2: { field: "max" } },
    },
    {
      mark: { type: "text", align: "left", dx: 4, fontSize: 10 },
      encoding: { x: { field: "max", type: "quantitative" }, text: { field: "text" } },
    },
  ];
  const spec = {
    title,
    width: 420,
    data: { values: rows.map((r) => ({ ...r, text: r.text ?? String(Math.round(r.median * 100) / 100) })) },
    encoding: { y: { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 260 } } },
    layer: layers,
  };
  if (ref !== undefined)
    return {
      title,
      layer: [
        { ...spec, title: undefined },
        {
          data: { values: [{ ref, refLabel }] },
          mark: { type: "rule", strokeDash: [4, 3], color: "#e45756" },
          encoding: { x: { field: "ref", type: "quantitative" } },
        },
        {
          data: { values: [{ ref, refLabel: refLabel ?? "" }] },
          mark: {
            type: "text",
            color: "#e45756",
            align: "right",
            baseline: "top",
            dx: -3,
            y: 2,
            fontSize: 10,
          },
          encoding: { x: { field: "ref", type: "quantitative" }, text: { field: "refLabel" } },
        },
      ],
    };
  return spec;
}

/** Reads per task (x, log) against lag (y, log), one line per series: the Pareto view of polling policies. */
export function paretoPlot({ title, points, yField, yTitle }) {
  const x = { field: "reads", type: "quantitative", scale: { type: "log" }, title: "reads per task (log)" };
  const y = { field: yField, type: "quantitative", scale: { type: "log" }, title: yTitle };
  return {
    title,
    width: 460,
    height: 280,
    data: { values: points },
    encoding: {
      x,
      y,
      color: {
        field: "series",
        type: "nominal",
        title: null,
        legend: { orient: "top-right", labelLimit: 300 },
      },
    },
    layer: [
      {
        mark: { type: "line", point: { size: 60, filled: true } },
        encoding: { order: { field: "reads", type: "quantitative" } },
      },
      {
        mark: { type: "text", dx: 6, dy: -8, fontSize: 10, align: "left" },
        encoding: { text: { field: "short" } },
      },
    ],
  };
}
