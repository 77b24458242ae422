/**
 * Checks over every exchange of the run, whichever scenario sent it: each answer with a body is JSON,
 * and each request answered within the profile's bound (a hang is named with the request it hit).
 */
import type { Context } from "../context.js";
import type { Exchange } from "../types.js";

/** At most this many failures per operation; the rest are counted in the last one's message. */
const PER_OPERATION = 3;

function capped(
  ctx: Context,
  check: "contract.response_is_json" | "contract.response_time",
  bad: Array<[Exchange, string]>,
) {
  const byOperation = new Map<string, Array<[Exchange, string]>>();
  for (const item of bad) {
    const key = item[0].operation ?? item[0].method;
    byOperation.set(key, [...(byOperation.get(key) ?? []), item]);
  }
  for (const [operation, items] of byOperation) {
    items.slice(0, PER_OPERATION).forEach(([exchange, message], i) => {
      const more =
        i === PER_OPERATION - 1 && items.length > PER_OPERATION
          ? ` (+${items.length - PER_OPERATION} more like it)`
          : "";
      ctx.fail(check, `${message}${more}`, { ...(exchange.operation ? { operation } : {}), exchange });
    });
  }
}

export function checkExchanges(
  ctx: Context,
  exchanges: readonly Exchange[],
  isNotJson: (e: Exchange) => boolean,
): void {
  const answered = exchanges.filter((e) => e.status !== undefined && !e.error);
  const notJson = answered.filter((e) => isNotJson(e));
  if (notJson.length)
    capped(
      ctx,
      "contract.response_is_json",
      notJson.map((e) => [
        e,
        `rule: every answer is JSON; ${e.method} ${e.url} answered ${e.status} with a body that is not JSON: ${e.responseBody.slice(0, 80).replace(/\s+/g, " ")}`,
      ]),
    );
  else ctx.pass("contract.response_is_json", { message: `${answered.length} answers` });

  const bound = ctx.profile.responseTimeMs;
  const slow = exchanges.filter((e) => e.timedOut || (e.status !== undefined && e.durationMs > bound));
  if (slow.length)
    capped(
      ctx,
      "contract.response_time",
      slow.map((e) => [
        e,
        e.timedOut
          ? `rule: every request answers within ${bound} ms; ${e.method} ${e.url} ${e.error ?? "gave no answer"}`
          : `rule: every request answers within ${bound} ms; ${e.method} ${e.url} took ${e.durationMs} ms`,
      ]),
    );
  else ctx.pass("contract.response_time", { message: `${exchanges.length} requests within ${bound} ms` });
}
