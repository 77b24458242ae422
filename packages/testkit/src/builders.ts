/**
 * Request builders for tests, re-exported from the mock gateway's test-cards module (their one home: the
 * mock's own tests cannot import testkit, which depends on the mock). Cards for each test outcome, and
 * payments whose `tracking_id` and amount are unique per process run.
 */
export {
  type CardOutcome,
  TEST_CARDS,
  type TestCard,
  type TestPayment,
  testCard,
  testPayment,
  uniqueTrackingId,
} from "@paycross/mock-gateway";
