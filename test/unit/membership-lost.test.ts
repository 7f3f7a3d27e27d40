import { KafkaJSNonRetriableError } from 'kafkajs';
import { rejoinOnMembershipLost } from '../../src/kafka/membership-lost';

/** The error kafkajs builds from a broker's error code: 25 UNKNOWN_MEMBER_ID, 22 ILLEGAL_GENERATION, 27 REBALANCE_IN_PROGRESS. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };

/** How kafkajs's retrier wraps an answer it will not retry (a refused commitOffsets). */
const wrappedAsNonRetriable = (error: Error) => new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(error, { cause: error });

describe('rejoinOnMembershipLost', () => {
  it.each([
    ['UNKNOWN_MEMBER_ID', 25],
    ['ILLEGAL_GENERATION', 22],
  ])('unwraps a refused commit answered %s, so kafkajs rejoins the group instead of stopping', (type, code) => {
    const answer = createErrorFromCode(code);
    expect(answer).toMatchObject({ type, retriable: false });
    const wrapped = wrappedAsNonRetriable(answer);
    expect(rejoinOnMembershipLost(wrapped)).toBe(answer);
    expect(rejoinOnMembershipLost(answer)).toBe(answer);
  });

  it('leaves every other error as it is', () => {
    const rebalancing = createErrorFromCode(27);
    const otherAnswer = wrappedAsNonRetriable(createErrorFromCode(29)); // TOPIC_AUTHORIZATION_FAILED
    const plain = new Error('Cassandra unavailable');
    expect(rejoinOnMembershipLost(rebalancing)).toBe(rebalancing);
    expect(rejoinOnMembershipLost(otherAnswer)).toBe(otherAnswer);
    expect(rejoinOnMembershipLost(plain)).toBe(plain);
    expect(rejoinOnMembershipLost(undefined)).toBeUndefined();
  });
});
