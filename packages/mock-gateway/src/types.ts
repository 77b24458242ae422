/** Shapes shared by the ledger, the routes and the wire. */
export type Json = Record<string, unknown>;

/** An HTTP answer before it is written. */
export interface Answer {
  status: number;
  body: Json;
  /** The transaction the answer is about, for idempotent replays with the current status. */
  uid?: string;
}
