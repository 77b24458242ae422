// The ceiling: a bare node:http server answering one fixed transaction body.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

// The same answer the gateway gives to a payment (the contract's example), so the ceiling writes as many
// bytes per response as the mock does.
const spec = JSON.parse(readFileSync(new URL("../../spec/dist/openapi.json", import.meta.url), "utf8"));
const body = JSON.stringify(
  spec.paths["/transactions/payments"].post.responses["200"].content["application/json"].example,
);
const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(`bare server on http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
