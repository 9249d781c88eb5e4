/**
 * The CRM write-backs (the writer alone, ./provider.ts `CrmWriteBack`): the list `connectCrmWriter` reads, imported as
 * `#crm-write-backs` (package.json "imports"). A tenant's Lambda bundles replace it with the tenant's own CRM's
 * (infra/build/crm-providers.ts); everything else uses this one. The generic webhook takes no write-back.
 */
import { fxiaokeWriteBack } from './fxiaoke/write-back';
import { zohoWriteBack } from './zoho/write-back';

export const crmWriteBackList = [zohoWriteBack, fxiaokeWriteBack] as const;
