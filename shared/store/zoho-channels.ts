/**
 * Where the tenant's Zoho notification channels stand: the notify URL they were enabled with (the stack's API URL is
 * known to the admin's connect step, not to the functions) and, per module, the channel id and the expiry Zoho
 * granted. Written by `quotaflow connect zoho` and by the scheduled renewal; one item, replaced whole (connect runs
 * by hand, renewal on a schedule that does not overlap itself).
 *
 * Access pattern (listed in table-design.ts):
 *   Zoho channel state                   pk=ZOHOCHANNELS    sk=STATE
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../../events/zod';
import { codedError } from '../errors';

export const zohoChannelsKey = { pk: 'ZOHOCHANNELS', sk: 'STATE' } as const;

export interface ZohoChannelEntry {
  channelId: string;
  /** ISO; absent when the channel was asked for but never granted (a failed enable). */
  expiresAt?: string;
}

export interface ZohoChannelState {
  notifyUrl: string;
  /** Module → its channel. */
  channels: Record<string, ZohoChannelEntry>;
  /** ISO; when this item was last written. */
  updatedAt: string;
}

const stateSchema = z.looseObject({
  notifyUrl: z.string().check(z.minLength(1)),
  channels: z.record(z.string(), z.looseObject({ channelId: z.string(), expiresAt: z.optional(z.string()) })),
  updatedAt: z.string(),
});

export class ZohoChannelStateError extends codedError('corrupt_state') {
  override readonly name = 'ZohoChannelStateError';
}

export class ZohoChannelRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Undefined until channels were first enabled for this tenant (`quotaflow connect zoho`). */
  async get(): Promise<ZohoChannelState | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: zohoChannelsKey, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const parsed = stateSchema.safeParse(out.Item);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new ZohoChannelStateError(`the stored Zoho channel state is malformed (check: ${fields})`);
    }
    const channels: Record<string, ZohoChannelEntry> = {};
    for (const [module, c] of Object.entries(parsed.data.channels)) {
      channels[module] = { channelId: c.channelId, ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) };
    }
    return { notifyUrl: parsed.data.notifyUrl, channels, updatedAt: parsed.data.updatedAt };
  }

  async put(state: ZohoChannelState): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...zohoChannelsKey,
          type: 'zohoChannels',
          notifyUrl: state.notifyUrl,
          channels: state.channels,
          updatedAt: state.updatedAt,
        },
      }),
    );
  }
}

/** The state with these modules' channels set (others kept), stamped `now`. */
export const withChannels = (
  state: Pick<ZohoChannelState, 'notifyUrl' | 'channels'>,
  updates: readonly { module: string; channelId: string; expiresAt?: Date | undefined }[],
  now: Date,
): ZohoChannelState => {
  const channels = { ...state.channels };
  for (const u of updates) {
    channels[u.module] = {
      channelId: u.channelId,
      ...(u.expiresAt ? { expiresAt: u.expiresAt.toISOString() } : {}),
    };
  }
  return { notifyUrl: state.notifyUrl, channels, updatedAt: now.toISOString() };
};
