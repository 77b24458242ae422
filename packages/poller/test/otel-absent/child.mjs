// Runs real payments through the client and the poller against the mock, with OpenTelemetry absent,
// then prints what the module hooks saw and what the tasks ended as (one JSON line).
import { createClient } from "@paycross/client";
import { startMockGateway, TEST_CARDS } from "@paycross/mock-gateway";
import { createPoller, MemoryStore } from "@paycross/poller";

const TASKS = 40;
const gw = await startMockGateway({ asyncDelayMs: 5 });
try {
  const client = createClient({ shopId: gw.shopId, secretKey: gw.secretKey, baseUrl: gw.url, retry: false });
  const poller = createPoller({
    client,
    store: new MemoryStore(),
    policy: {
      initialDelayMs: 10,
      maxDelayMs: 30,
      followUpInitialDelayMs: 10,
      followUpMaxDelayMs: 30,
      minDelayMs: 5,
    },
  });
  const card = {
    number: TEST_CARDS.successful,
    verification_value: "123",
    exp_month: "05",
    exp_year: "2030",
  };
  const outcomes = [];
  for (let i = 0; i < TASKS; i++) {
    const request = {
      amount: 100 + i,
      currency: "USD",
      description: "no otel",
      tracking_id: `no-otel-${i}`,
      credit_card: card,
    };
    const outcome = await poller.run("payment", request);
    outcomes.push(outcome.kind === "completed" ? outcome.transaction.status : outcome.kind);
    await client.transactions.get(outcome.transaction?.uid ?? "missing").catch(() => undefined);
  }
  await poller.close?.();
  await new Promise((r) => setTimeout(r, 20)); // let the hook thread's last messages arrive
  console.log(JSON.stringify({ outcomes, ...globalThis.__otelSeen }));
} finally {
  await gw.close();
}
