import { SUITES } from "../checks/catalog.js";
import { REPORTERS } from "../report/index.js";

export const HELP = `paycross-conformance: check a PayCross gateway against the contract

Usage:
  paycross-conformance                       check the embedded mock gateway
  paycross-conformance --base-url URL --shop-id ID --secret-key KEY [--profile FILE]

Target:
  --base-url <url>          gateway to check (env PAYCROSS_BASE_URL); default: the embedded mock
  --shop-id <id>            shop id (env PAYCROSS_SHOP_ID)
  --secret-key <key>        secret key (env PAYCROSS_SECRET_KEY; prefer the env: flags show in process lists)
  --profile <file.json>     test cards, amounts, time bounds and test clock of the target (samples in the
                            package's profiles/ folder; default for a remote target: the mock's cards)
  --allow-production        allow a production host (refused by default)
  --rate <n>                requests per second at most, 0.1-10000 (default 10 remote, unlimited embedded)
  --timeout-ms <n>          per-request timeout (default: the profile's responseTimeMs)
  --max-duration <d>        budget of the whole run, e.g. 90s, 5m (default 5m remote, 2m embedded)
  --webhook-url <url>       URL the gateway can reach to deliver notifications (remote targets)
  --webhook-listen <h:p>    where the notification receiver listens (default 127.0.0.1:0)

Selection:
  --suite <a,b>             suites: ${SUITES.join(", ")}
  --check <id,...>          only these checks
  --skip <id|suite,...>     skip these checks or suites
  --list-checks             list every named check and exit

Reports:
  --reporter <name[=file]>  ${REPORTERS.join(", ")}; repeatable; at most one without =file (stdout);
                            default pretty
  --out <file>              file of the one non-pretty reporter given without =file
  --baseline <file>         accepted known failures: they do not fail the run
  --write-baseline <file>   write the current failures as a baseline, say so, and exit 0
  --no-color                plain output (also NO_COLOR)
  -v, --version             print the version
  -h, --help                this help

Exit codes: 0 all applicable checks passed (or a baseline was written), 1 a check failed,
2 bad usage, a malformed profile or baseline, refused credentials, or an unreachable target.`;
