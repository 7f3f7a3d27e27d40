import { ApiUserSchema, type ApiUser } from '../../src/source/schema';
import type { SourceClient, UsersQuery } from '../../src/source/client';

/** A page's users, each checked as the API schema says (for tests that need well-formed users). */
export async function fetchApiUsers(source: SourceClient, query: UsersQuery): Promise<ApiUser[]> {
  return (await source.fetchPage(query)).users.map((user) => ApiUserSchema.parse(user));
}
