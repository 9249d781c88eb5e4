/**
 * What each owner was told about each goal in each period (goals/reminders.ts ReminderState): one small item per
 * (owner, period, goal), the state as one map, expiring after a year. The daily evaluation reads an owner's states
 * with one Query and writes back only those that changed. Plain puts: the decisions they record are made once per
 * owner and day, and the messages themselves are kept exactly-once by the effect ledger, not by this state.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReminderState } from '../goals/reminders';
import { goalReminderKeys, isExpired, ttlFrom } from './table-design';

export const REMINDER_RETENTION_DAYS = 400;

export class GoalReminderRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  /** The owner's states by "<periodKey>#<goalId>". */
  async states(ownerId: string): Promise<Map<string, ReminderState>> {
    const out = new Map<string, ReminderState>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': goalReminderKeys.owner(ownerId) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? [])
        if (!isExpired(item, this.now())) out.set(String(item.sk), item.state as ReminderState);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async save(ownerId: string, periodKey: string, goalId: string, state: ReminderState): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...goalReminderKeys.state(ownerId, periodKey, goalId),
          type: 'goalReminder',
          state,
          expiresAt: ttlFrom(this.now(), REMINDER_RETENTION_DAYS),
        },
      }),
    );
  }
}

export const reminderStateKey = (periodKey: string, goalId: string): string => `${periodKey}#${goalId}`;
