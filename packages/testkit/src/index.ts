export {
  type CardOutcome,
  TEST_CARDS,
  type TestCard,
  type TestPayment,
  testCard,
  testPayment,
  uniqueTrackingId,
} from "@paycross/mock-gateway";
export {
  type HostileBehaviour,
  type HostileRequest,
  type HostileServer,
  startHostileServer,
} from "./hostile.js";
export { type InstallOptions, installTarballs, packAndInstall, packWorkspace } from "./pack.js";
export { type ReceivedRequest, type Receiver, type ReceiverOptions, startReceiver } from "./receiver.js";
export { newcomerEnv, pnpmCommand, type RunOptions, type RunResult, runCommand, runPnpm } from "./run.js";
export {
  copyWorkspace,
  publishedPackages,
  repoRoot,
  type WorkspacePackage,
  workspaceGlobs,
  workspacePackages,
} from "./workspace.js";
