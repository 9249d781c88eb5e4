/**
 * The employee directory behind owner names and emails: Fxiaoke records carry the owner as a user id only, so the
 * reader looks owners (and their leaders, for the manager's email) up in PersonnelObj, a page per batch of unknown
 * ids, and keeps what it found for an hour per container. Without it a won deal has no owner to congratulate.
 */
import type { FxiaokeClient } from './client';
import type { NormalizeOptions } from './normalize';

export interface Person {
  name?: string;
  email?: string;
  managerEmail?: string;
}

interface Entry {
  name?: string;
  email?: string;
  leaderId?: string;
}

const TTL_MS = 60 * 60 * 1000;
const PAGE = 100;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export class FxiaokeDirectory {
  private readonly entries = new Map<string, { entry: Entry | undefined; until: number }>();

  constructor(
    private readonly client: Pick<FxiaokeClient, 'query'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Name, email and manager's email for each user id found; unknown ids are simply absent. */
  async people(userIds: readonly string[]): Promise<Record<string, Person>> {
    await this.load(userIds);
    await this.load(userIds.flatMap((id) => this.cached(id)?.leaderId ?? []));
    const out: Record<string, Person> = {};
    for (const id of userIds) {
      const e = this.cached(id);
      if (!e) continue;
      const manager = e.leaderId ? this.cached(e.leaderId) : undefined;
      out[id] = {
        ...(e.name ? { name: e.name } : {}),
        ...(e.email ? { email: e.email } : {}),
        ...(manager?.email ? { managerEmail: manager.email } : {}),
      };
    }
    return out;
  }

  private cached(id: string): Entry | undefined {
    const hit = this.entries.get(id);
    return hit && hit.until > this.now() ? hit.entry : undefined;
  }

  private async load(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => {
      const hit = this.entries.get(id);
      return !hit || hit.until <= this.now();
    });
    for (let i = 0; i < missing.length; i += PAGE) {
      const batch = missing.slice(i, i + PAGE);
      const page = await this.client.query('PersonnelObj', {
        limit: PAGE,
        offset: 0,
        filters: [{ field_name: 'user_id', operator: 'IN', field_values: batch }],
      });
      const until = this.now() + TTL_MS;
      for (const id of batch) this.entries.set(id, { entry: undefined, until });
      for (const p of page.dataList) {
        const id = text(p.user_id);
        if (!id) continue;
        const leader = Array.isArray(p.leader) ? text(p.leader[0]) : text(p.leader);
        this.entries.set(id, {
          entry: {
            ...(text(p.name) ? { name: text(p.name) } : {}),
            ...(text(p.email) ? { email: text(p.email) } : {}),
            ...(leader ? { leaderId: leader } : {}),
          },
          until,
        });
      }
    }
  }
}

const ownerOf = (data: Record<string, unknown>): string | undefined =>
  text(Array.isArray(data.owner) ? data.owner[0] : data.owner);

/**
 * Normalization options carrying the owners of `rows`, looked up together (one directory query per batch of
 * unknown owners, not one per record). Without a directory the options are returned unchanged.
 */
export const withOwners = async (
  normalize: NormalizeOptions,
  directory: Pick<FxiaokeDirectory, 'people'> | undefined,
  rows: readonly Record<string, unknown>[],
): Promise<NormalizeOptions> => {
  if (!directory) return normalize;
  const owners = [...new Set(rows.flatMap((r) => ownerOf(r) ?? []))];
  if (owners.length === 0) return normalize;
  return { ...normalize, people: { ...normalize.people, ...(await directory.people(owners)) } };
};
