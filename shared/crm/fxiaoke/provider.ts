/**
 * Fxiaoke's descriptor: its settings (./settings.ts) and its connection, assembled from the tenant config, its
 * secrets and the token cache in the tenant's table (one token for every container: the token endpoint allows 10
 * calls a minute and none concurrent).
 */
import { UserRepository } from '../../store/users';
import { type CrmConnection, type CrmConnectorDeps, defineCrmProvider } from '../provider';
import { fxiaokeStrategy } from './callback';
import { FxiaokeDirectory } from './people';
import { FxiaokeReader } from './reader';
import { callbackAuth } from './receivers';
import { FxiaokeScanner } from './scanner';
import { type FxiaokeConfig, fxiaokeSettings } from './settings';
import { FxiaokeUsers } from './users';
import { fxiaokeClientFor, fxiaokeWriterOn } from './write-back';

export const connectFxiaoke = async (
  deps: CrmConnectorDeps & { crm: FxiaokeConfig },
): Promise<CrmConnection> => {
  const { tenant, crm } = deps;
  const now = deps.now ?? (() => new Date());
  const fxiaoke = await fxiaokeClientFor(deps);
  const normalize = {
    opportunityObject: crm.opportunityObject,
    stages: { won: crm.wonStages, lost: crm.lostStages },
    timeZone: tenant.timeZone,
    currency: tenant.currency,
    fieldMap: crm.fields,
  };
  // Shared by reader and scanner, so owners looked up once serve both.
  const directory = new FxiaokeDirectory(fxiaoke, () => now().getTime());
  return {
    reader: new FxiaokeReader({ client: fxiaoke, directory, normalize }),
    writer: fxiaokeWriterOn(fxiaoke, deps),
    scanner: new FxiaokeScanner({
      client: fxiaoke,
      directory,
      normalize,
      ...(deps.scanObjects ? { objects: deps.scanObjects } : {}),
    }),
    users: {
      source: new FxiaokeUsers(fxiaoke),
      store: new UserRepository(deps.tokenTable.doc, deps.tokenTable.tableName),
    },
  };
};

export const fxiaokeProvider = defineCrmProvider({
  ...fxiaokeSettings,
  receivers: [
    {
      functionId: 'ingest-fxiaoke',
      strategy: ({ tenant, secrets, now }) => fxiaokeStrategy({ ...callbackAuth(tenant, secrets), now }),
    },
  ],
  connect: connectFxiaoke,
});

/** The registry's name for this module's descriptor (infra/build/crm-providers.ts imports it by convention). */
export { fxiaokeProvider as provider };
