// A second reference: the least a server that checks its input against the contract does. On top of the
// bare ceiling it reads the body, checks Basic credentials, parses the JSON and validates it with the
// contract's own compiled validator, then answers the same fixed body. No storage, no uid, no rendering:
// it is what any validating gateway pays before it does any work of its own (see BENCHMARKS.md).
import { createServer } from "node:http";
import { getContract, OPERATIONS } from "@paycross/spec";

const contract = getContract().precompile();
const operationId = OPERATIONS.payment.syncOperationId;
const body = JSON.stringify(
  contract.document.paths["/transactions/payments"].post.responses["200"].content["application/json"].example,
);
const length = String(Buffer.byteLength(body));
const expected = `Basic ${Buffer.from("361:mock-secret-key-361").toString("base64")}`;

const answer = (res, status, text) => {
  res.writeHead(status, [
    "content-type",
    "application/json",
    "content-length",
    String(Buffer.byteLength(text)),
  ]);
  res.end(text);
};

const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.headers.authorization !== expected) return answer(res, 401, '{"message":"Access denied"}');
    let value;
    try {
      value = JSON.parse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    } catch {
      return answer(res, 422, '{"message":"Request body is not valid JSON"}');
    }
    if (contract.validateRequestBody(operationId, value).length > 0)
      return answer(res, 422, '{"message":"invalid"}');
    res.writeHead(200, ["content-type", "application/json", "content-length", length]);
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () =>
  console.log(`validated server on http://127.0.0.1:${server.address().port}`),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
