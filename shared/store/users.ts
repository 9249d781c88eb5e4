/**
 * CRM users of the tenant (shared/sync/crm-users.ts), one item each in one partition: a tenant has hundreds of
 * users at most, so the whole directory is one Query, and a refresh rewrites only the users that changed.
 *
 * Access patterns (listed in table-design.ts):
 *   CRM user by id / all users           pk=CRMUSER                          sk=<userId>
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CrmUser } from '../sync/crm-users';

export const userKeys = { partition: 'CRMUSER', user: (id: string) => ({ pk: 'CRMUSER', sk: id }) };

/** Key order is not kept by DynamoDB: compare users by a form with sorted keys. */
const canonical = (u: CrmUser): string =>
  JSON.stringify(Object.fromEntries(Object.entries(u).sort(([a], [b]) => (a < b ? -1 : 1))));

/** BatchWriteItem takes at most 25 items. */
const BATCH = 25;

export class UserRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async all(): Promise<CrmUser[]> {
    const users: CrmUser[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': userKeys.partition },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) users.push(item.user as CrmUser);
      start = out.LastEvaluatedKey;
    } while (start);
    return users;
  }

  /**
   * Stores the users that differ from what is stored; returns how many were written. Users missing from `users`
   * are kept as they are (the CRM lists deactivated users as such; a missing one is not evidence of anything).
   */
  async putChanged(users: readonly CrmUser[], now: Date): Promise<number> {
    const stored = new Map((await this.all()).map((u) => [u.id, canonical(u)]));
    const changed = users.filter((u) => stored.get(u.id) !== canonical(u));
    for (let i = 0; i < changed.length; i += BATCH) {
      let requests: Record<string, unknown>[] | undefined = changed.slice(i, i + BATCH).map((user) => ({
        PutRequest: {
          Item: { ...userKeys.user(user.id), type: 'crmUser', user, syncedAt: now.toISOString() },
        },
      }));
      // Unprocessed items (throttling) are sent again until none are left.
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt > 5) throw new Error(`storing CRM users: ${requests.length} writes left unprocessed`);
        const out = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }),
        );
        requests = out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        if (requests?.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    return changed.length;
  }
}
