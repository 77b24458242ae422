export {
  type Action,
  type Answer,
  type Env as LifecycleEnv,
  type Look,
  mergeFacts,
  next,
  nextLook,
  type Step,
} from "./lifecycle.js";
export { DEFAULT_POLICY, type PollPolicy, pollDelay } from "./policy.js";
export {
  createPoller,
  type Poller,
  type PollerOptions,
  type PollerStats,
  type ResultOptions,
  type SubmitRequests,
  type TaskHandle,
} from "./poller.js";
export { FileStore } from "./store/file.js";
export { MemoryStore } from "./store/memory.js";
export {
  type ClaimedTask,
  isSharedStore,
  type Lease,
  type SharedTaskStore,
  type TaskStore,
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
