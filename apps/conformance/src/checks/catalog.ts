/**
 * Every named check, in one list: the id is what `--check`, baselines and reports use, the
 * description is the rule it proves. The ids are a literal type, so a typo in a suite does not compile.
 */
export const CHECKS = [
  // contract: every operation in both modes, with a valid request.
  { id: "contract.not_a_server_error", description: "The answer is not a 5xx." },
  {
    id: "contract.status_code_conformance",
    description: "The HTTP status is one the contract declares for the operation.",
  },
  {
    id: "contract.content_type_conformance",
    description: "The answer is `application/json`, as every response of the contract is.",
  },
  {
    id: "contract.response_headers_conformance",
    description: "Headers the contract declares for the status (e.g. Retry-After) are valid.",
  },
  {
    id: "contract.response_schema_conformance",
    description: "The body validates against the schema declared for the operation and status.",
  },
  {
    id: "contract.response_is_json",
    description:
      "Every answer with a body is JSON (a 2xx that is not JSON is named as such, not as a schema mismatch).",
  },
  {
    id: "contract.response_time",
    description:
      "Every request answers within the profile's responseTimeMs; a hang is named where it happens.",
  },
  {
    id: "contract.transaction_type_matches",
    description: "Each operation's transaction has its own `type` (a capture answers `type: capture`).",
  },
  {
    id: "contract.idempotent_request_id",
    description: "The same RequestID sent twice gives the same uid and no second transaction.",
  },
  {
    id: "contract.duplicate_check",
    description:
      "An identical payment within 30 s is refused; the same request with `duplicate_check: false` is accepted.",
  },
  {
    id: "contract.parent_child_rules",
    description:
      "No capture above the authorized amount, no void after a capture, no refund above the captured amount, no refund of a refunded amount.",
  },
  {
    id: "contract.unknown_fields",
    description:
      "Information only: answer fields the contract does not declare (never a failure; the gateway may send more).",
  },
  {
    id: "contract.positive_data_acceptance",
    description: "A valid request of every operation is accepted (2xx).",
  },
  {
    id: "contract.operations_covered",
    description: "Every operation of the contract could be exercised (its preconditions could be created).",
  },
  // async: the rules of asynchronous tasks.
  {
    id: "async.accepted_shape",
    description:
      "An async submit answers `processing` with request_id and absolute status/result URLs on the target's origin.",
  },
  {
    id: "async.status_monotonic",
    description: "A task's status moves processing → completed and never back.",
  },
  {
    id: "async.result_while_processing",
    description:
      "While a task runs, its result URL answers 425 (or a 200 `processing` body), never a result.",
  },
  {
    id: "async.result_matches_sync",
    description:
      "Every async twin's result is the sync operation's standard answer, valid against its schema.",
  },
  {
    id: "async.result_readable_again",
    description: "A 200 result read twice within its retention answers the same both times.",
  },
  {
    id: "async.unknown_request_id",
    description: "An id the gateway never issued answers 404 `unknown` on both URLs.",
  },
  {
    id: "async.read_once_error",
    description: "A non-200 result is returned once; then both URLs answer 404 `unknown`.",
  },
  {
    id: "async.retention_24h",
    description:
      "A 200 result is kept 24 hours after the task's creation, then 404 `unknown` (needs the profile's clock).",
  },
  // followup
  {
    id: "followup.tracking_id_finds_transaction",
    description: "A status query by tracking_id returns the transaction made with it.",
  },
  {
    id: "followup.incomplete_reaches_final",
    description:
      "An `incomplete` transaction reaches a final status, seen through a status query by tracking_id.",
  },
  // auth
  {
    id: "auth.wrong_credentials_rejected",
    description: "Wrong credentials get 401 with the error shape on every endpoint family.",
  },
  {
    id: "auth.missing_credentials_rejected",
    description: "No credentials get 401 with the error shape on every endpoint family.",
  },
  // negative
  {
    id: "negative.malformed_json_rejected",
    description: "A body that is not JSON gets a 4xx with the error shape.",
  },
  {
    id: "negative.missing_required_fields_rejected",
    description: '`{"request": {}}` gets a 4xx with the error shape naming fields.',
  },
  {
    id: "negative.wrong_types_rejected",
    description: "Fields of the wrong type get a 4xx with the error shape.",
  },
  {
    id: "negative.missing_api_version_rejected",
    description: "A balance query without `X-API-Version: 2` gets a 4xx with the error shape.",
  },
  // webhooks
  {
    id: "webhooks.notification_arrives",
    description: "A transaction with notification_url is notified there.",
  },
  {
    id: "webhooks.notification_schema",
    description: "The notification body is the contract's transaction answer.",
  },
  {
    id: "webhooks.notification_authenticated",
    description:
      "The notification carries the shop's Basic credentials and, where a public key is known, a valid Content-Signature.",
  },
  // run
  {
    id: "run.max_duration",
    description:
      "The whole run ends within --max-duration; when it does not, what was still waiting is named.",
  },
] as const;

export type CheckId = (typeof CHECKS)[number]["id"];
export type SuiteName = CheckId extends `${infer S}.${string}` ? S : never;
export const SUITES = [
  "contract",
  "async",
  "followup",
  "auth",
  "negative",
  "webhooks",
  "run",
] as const satisfies readonly SuiteName[];

export const suiteOf = (id: CheckId): SuiteName => id.slice(0, id.indexOf(".")) as SuiteName;
