// Module hooks (they run on the loader thread): refuse `@opentelemetry/*` like a missing package.
let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@opentelemetry/")) {
    port.postMessage({ kind: "attempts", what: specifier });
    const error = new Error(`Cannot find package '${specifier}'`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  const resolved = await next(specifier, context);
  if (resolved.url.includes("/@opentelemetry/")) port.postMessage({ kind: "loaded", what: resolved.url });
  return resolved;
}
