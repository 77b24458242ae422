/**
 * The statements of the store, one function per job, for a table `t` ("schema".tasks). Parameters $1 to
 * $7 are always the row's columns (rows.ts `columns`): id, state, outcome, facts, phase, tracking_id, uid.
 */

const ms = (n: string) => `make_interval(secs => ${n}::float8 / 1000)`;
const COLS = "id, state, outcome, facts, phase, tracking_id, uid";
const VALUES = "$1, $2::json, $3::json, $4, $5, $6, $7";

/**
 * A new task in one round trip; no row when it exists already (the caller then merges). One row per
 * insert (a pending task too), so rowCount tells the fast path was taken; notifies ($8) only when the new
 * task already carries an outcome. A pending one is due at $9 (epoch ms), or now when it is null.
 */
export const insertNew = (t: string) => `
  WITH ins AS (
    INSERT INTO ${t} (${COLS}, next_poll_at)
    VALUES (${VALUES}, CASE WHEN $5 = 'done' THEN NULL
      ELSE coalesce(to_timestamp($9::float8 / 1000), now()) END)
    ON CONFLICT (id) DO NOTHING RETURNING id, outcome)
  SELECT id, CASE WHEN outcome IS NOT NULL THEN pg_notify($8, id)::text END FROM ins`;

/**
 * How a merged write schedules the task ($8, with $9 the holder's next poll time in epoch ms):
 * `now` due at once; `keep` the holder's schedule and lease stay; `due` like keep, but due at once when
 * nobody holds the task (a late fact needs a look); `at` the holder's time, lease released; `pending`
 * due when an earlier holder's grace ends, lease released. A finished task is never scheduled.
 */
export type Schedule = "now" | "keep" | "due" | "at" | "pending";

export const upsertMerged = (t: string) => `
  INSERT INTO ${t} AS t (${COLS}, next_poll_at)
  VALUES (${VALUES}, CASE WHEN $5 = 'done' THEN NULL ELSE now() END)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, outcome = excluded.outcome,
    facts = excluded.facts, phase = excluded.phase, tracking_id = excluded.tracking_id, uid = excluded.uid,
    next_poll_at = CASE WHEN $5 = 'done' THEN NULL
      WHEN $8 = 'at' THEN to_timestamp($9::float8 / 1000)
      WHEN $8 = 'pending' THEN coalesce(t.facts_pending_until, now())
      WHEN $8 = 'keep' OR ($8 = 'due' AND t.lease_owner IS NOT NULL) THEN coalesce(t.next_poll_at, now())
      ELSE now() END,
    lease_owner = CASE WHEN $8 IN ('at', 'pending') THEN NULL ELSE t.lease_owner END,
    lease_expires_at = CASE WHEN $8 IN ('at', 'pending') THEN NULL ELSE t.lease_expires_at END,
    updated_at = now()`;

/** The row under a lock, with what a merge needs: lease, outcome, facts still pending, the server's clock. */
export const lockRow = (t: string) => `
  SELECT id, state, outcome IS NOT NULL AS has_outcome, lease_owner, fencing_token,
    lease_expires_at > now() AS leased,
    (extract(epoch FROM facts_pending_until) * 1000)::float8 AS facts_pending_ms,
    (extract(epoch FROM now()) * 1000)::float8 AS now_ms
  FROM ${t} WHERE id = $1 FOR UPDATE`;

/**
 * Leases up to $2 due tasks to $1 for $3 ms. A leased row's next_poll_at is its lease expiry, so an
 * expired lease is simply due again. Expired leases come first (index tasks_leased): a dead worker's
 * tasks would otherwise queue behind every task due earlier, and a saturated pool would take them over
 * only after its whole backlog. Taking over a lease that was never released (its holder killed or
 * stalled) records until when that holder may still bring a fact: its expiry plus the grace ($4 ms).
 */
export const claim = (t: string) => `
  WITH expired AS (
    SELECT id FROM ${t} WHERE lease_owner IS NOT NULL AND phase <> 'done' AND next_poll_at <= now()
    ORDER BY next_poll_at LIMIT $2 FOR UPDATE SKIP LOCKED),
  rest AS (
    SELECT id FROM ${t} WHERE lease_owner IS NULL AND phase <> 'done' AND next_poll_at <= now()
    ORDER BY next_poll_at LIMIT greatest(0, $2 - (SELECT count(*) FROM expired)) FOR UPDATE SKIP LOCKED),
  due AS (SELECT id FROM expired UNION ALL SELECT id FROM rest)
  UPDATE ${t} t SET lease_owner = $1, lease_expires_at = now() + ${ms("$3")},
    next_poll_at = now() + ${ms("$3")}, fencing_token = t.fencing_token + 1, claimed_at = now(),
    facts_pending_until = CASE WHEN t.lease_owner IS NULL THEN t.facts_pending_until
      ELSE greatest(t.facts_pending_until, t.lease_expires_at + ${ms("$4")}) END,
    updated_at = now()
  FROM due WHERE t.id = due.id
  RETURNING t.id, t.state, t.fencing_token`;

export const renew = (t: string) => `
  UPDATE ${t} SET lease_expires_at = now() + ${ms("$4")},
    next_poll_at = CASE WHEN phase = 'done' THEN NULL ELSE now() + ${ms("$4")} END, updated_at = now()
  WHERE id = $1 AND lease_owner = $2 AND fencing_token = $3`;

/**
 * The holder's write in one round trip ($8 owner, $9 token, $10 next poll, $11 no facts, $12 channel),
 * taken when no outcome is stored and the row's facts are the ones the holder carries, or none (the usual
 * case), so that the merge would return the state itself.
 */
export const updateHeld = (t: string) => `
  WITH upd AS (
    UPDATE ${t} SET state = $2::json, outcome = $3::json, facts = $4, phase = $5, tracking_id = $6, uid = $7,
      next_poll_at = CASE WHEN $5 = 'done' THEN NULL ELSE to_timestamp($10::float8 / 1000) END,
      lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = $1 AND lease_owner = $8 AND fencing_token = $9 AND outcome IS NULL
      AND (facts = $4 OR facts = $11)
    RETURNING id, outcome)
  SELECT id, CASE WHEN outcome IS NOT NULL THEN pg_notify($12, id) END FROM upd`;

/** Outcomes stored since $1: what a reconnecting listener replays. */
export const doneSince = (t: string) => `SELECT id FROM ${t} WHERE phase = 'done' AND updated_at >= $1`;

export const byKey = (t: string, column: "tracking_id" | "uid") =>
  `SELECT id, state FROM ${t} WHERE ${column} = $1 ORDER BY id LIMIT 1000`;
