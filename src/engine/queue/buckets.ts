// MID-range buckets: the spool keeps one directory, and the queue state one shard file, per
// 1,000 consecutive MIDs. A million queued messages are 1,000 directories of 1,000 files
// (listing and opening stay fast), and a restart loads the queue one range at a time: the
// range's state shard and its spool directory together.

export const BUCKET_SPAN = 1_000;

export function bucketOf(mid: number): number {
  return Math.floor(mid / BUCKET_SPAN);
}

/** The first MID of the bucket after `bucket` (where MIDs start after a restart). */
export function firstMidAfter(bucket: number): number {
  return (bucket + 1) * BUCKET_SPAN;
}
