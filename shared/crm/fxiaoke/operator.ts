/**
 * Fxiaoke's operator-side tools (shared/crm/operator.ts): no CLI connect step (the app credentials go straight into
 * the tenant secret); the local simulator, loaded only when `npm start` asks for it.
 */
import type { CrmOperatorTools } from '../operator';
import type { FxiaokeConfig } from './settings';

export const fxiaokeOperator: CrmOperatorTools<FxiaokeConfig> = {
  simulate: async (tenant, now) => (await import('./simulation')).simulateFxiaoke(tenant, now),
};
