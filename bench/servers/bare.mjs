// The ceiling: a bare node:http server answering one fixed transaction body.
import { createServer } from "node:http";

const body = JSON.stringify({
  transaction: {
    uid: "8a3b7c1e-2f4d-4c5b-9e6a-1d2c3b4a5f60",
    status: "successful",
    type: "payment",
    amount: 100,
    currency: "USD",
    description: "bench",
    tracking_id: "order-1",
    message: "Successfully processed",
    test: true,
    created_at: "2026-11-27T10:15:30.123Z",
    updated_at: "2026-11-27T10:15:31.456Z",
  },
});
const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(`bare server on http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
