/**
 * The effect ledger for functions that only mail (goal evaluation, the incentive close): email through SES, and no
 * Scheduler client in their bundle. Only the workflow runner creates one-time schedules (effects.ts adds them), and
 * these functions are deployed without scheduler access, so a schedule effect reaching them is refused clearly.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../shared/adapters/aws/ses';
import { EffectLedger, type Performers } from '../../shared/effects/ledger';
import type { MailerPort } from '../../shared/ports';
import { clock } from './clock';
import { RuntimeEnvError, required, runtimeEnv } from './env';
import { ENV } from './env-names';
import { once } from './once';
import { documentClient, tableName } from './store';

export const mailer = once<MailerPort>(
  () =>
    new SesMailer(new SESv2Client({}), required(runtimeEnv().sesConfigurationSet, ENV.sesConfigurationSet)),
);

/** Email only: a one-time schedule needs the scheduler access of effects.ts. */
export const mailPerformers = (): Performers => ({
  email: async ({ email }) => (await mailer().send(email)).messageId,
  schedule: async () => {
    throw new RuntimeEnvError(
      'this function was deployed without scheduler access; check its access in functions/manifest.ts',
    );
  },
});

/** A ledger over the tenant's table with the given performers (the clock follows the runtime's). */
export const ledgerWith = (performers: Performers): EffectLedger =>
  new EffectLedger(documentClient(), tableName(), performers, () => clock().now());

export const mailEffects = /* @__PURE__ */ once(() => ledgerWith(mailPerformers()));
