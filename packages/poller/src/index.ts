export type { Correction } from "./corrections.js";
export {
  type Action,
  type Answer,
  type Env as LifecycleEnv,
  firstLookAt,
  type Look,
  mergeFacts,
  mergeFencedFacts,
  next,
  nextLook,
  outcomeChanged,
  type Step,
  unknownMustWait,
} from "./lifecycle.js";
export type { CheckedNotification, NotificationOptions, VerifiedBy } from "./notifications.js";
export { DEFAULT_POLICY, type PollDelayOptions, type PollPolicy, pollDelay } from "./policy.js";
export {
  createPoller,
  type NotificationResult,
  type Poller,
  type PollerOptions,
  type PollerStats,
  type ResultOptions,
  type SubmitRequests,
  type TaskHandle,
} from "./poller.js";
export { PayCrossStoreError, type StoreErrorCode } from "./store/errors.js";
export { FileStore, type FileStoreOptions, type OpenReport } from "./store/file.js";
export { MemoryStore } from "./store/memory.js";
export { SharedMemoryStore, type SharedMemoryStoreOptions } from "./store/shared-memory.js";
export { knownUid } from "./store/task-index.js";
export {
  type ClaimedTask,
  isSharedStore,
  type Lease,
  type SharedTaskStore,
  type TaskStore,
  type UpdateResult,
} from "./store/types.js";
export {
  ASYNC_OPERATIONS,
  type AsyncOperation,
  assertTaskState,
  type Candidate,
  normalizeState,
  type Outcome,
  type ProgressEvent,
  type StoredOutcome,
  type TaskState,
  taskStateProblems,
  type UnknownReason,
} from "./task.js";
