/** Answers of the group coordinator to a member it no longer counts in the group, or in this generation. */
const MEMBERSHIP_LOST = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION']);

/**
 * A commit refused because this member left the group meanwhile (a session that expired while the
 * process was cut off, paused or slow). kafkajs wraps the broker's answer in a KafkaJSNonRetriableError,
 * and a consumer whose batch handler throws that stops for good, leaving a live process that reads
 * nothing. Thrown as the broker's answer itself, it takes kafkajs's own way back: the consumer joins
 * the group again (as a new member for UNKNOWN_MEMBER_ID). The refused commit changed nothing: the
 * partition's new owner re-reads from the group's last commit.
 */
export function rejoinOnMembershipLost(error: unknown): unknown {
  let cause = error as { type?: unknown; cause?: unknown } | undefined;
  while (cause && typeof cause === 'object') {
    if (typeof cause.type === 'string') return MEMBERSHIP_LOST.has(cause.type) ? cause : error;
    cause = cause.cause as typeof cause;
  }
  return error;
}
