// The build every published package shares (each tsup.config.ts adds its entries and what differs):
// ESM for Node 20 with declarations and source maps, dist/ emptied first.
export const tsupBase = {
  format: ["esm"],
  dts: true,
  target: "node20",
  sourcemap: true,
  clean: true,
};
