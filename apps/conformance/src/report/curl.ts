import type { Exchange } from "../types.js";

/** A curl command that repeats an exchange; credentials come from the environment, never the report. */
export function curlOf(ex: Exchange): string {
  const parts = [`curl -sS -X ${ex.method} '${ex.url}'`];
  for (const [k, v] of Object.entries(ex.requestHeaders)) {
    if (k === "authorization") {
      if (v.includes("[REDACTED]")) parts.push(`-u "$PAYCROSS_SHOP_ID:$PAYCROSS_SECRET_KEY"`);
      continue;
    }
    parts.push(`-H '${k}: ${v}'`);
  }
  if (ex.requestBody !== undefined) parts.push(`--data '${ex.requestBody.replace(/'/g, "'\\''")}'`);
  return parts.join(" ");
}
