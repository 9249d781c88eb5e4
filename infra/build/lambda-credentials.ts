/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles only (see infra/build/bundle-aliases.ts); the
 * local runtime, the CLI and the tests run the TypeScript with tsx and keep the SDK's full default chain.
 *
 * Every SDK v3 client's runtimeConfig imports `defaultProvider` from that package as its `credentialDefaultProvider`
 * and calls it when no `credentials` are passed (which is how every adapter here is built). The full chain tries, in
 * order: env vars, SSO, shared INI files (with STS role assumption), credential_process, web-identity token files,
 * then the container/IMDS endpoints. Inside Lambda the first link always wins: the runtime puts the execution role's
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN before the handler module loads, and
 * no profile, config file, SSO cache or token file exists there. The links after it only cost bundle size (~85 KB
 * minified with the nested STS/SSO clients they pull in) and cold-start parse time.
 *
 * Not for a function that runs without those variables (SnapStart restores, which hand credentials out through the
 * container endpoint): such a function must not get this alias. Missing variables fail the first AWS call loudly.
 */
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

type CredentialProvider = ReturnType<typeof fromEnv>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** Same signature as the SDK's `defaultProvider`; only its environment link. */
export const defaultProvider =
  (init: FromEnvInit = {}): CredentialProvider =>
  async () => {
    try {
      return await fromEnv(init)();
    } catch (cause) {
      throw new Error(
        'no AWS credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): this Lambda bundle ' +
          'reads credentials from the environment only, as the Lambda runtime provides them',
        { cause },
      );
    }
  };

/** Kept so the module's exports match the package it replaces. */
export const credentialsWillNeedRefresh = (credentials: Credentials | undefined): boolean =>
  credentials?.expiration !== undefined;

/** Kept so the module's exports match the package it replaces (5 minutes before expiry, as the SDK does). */
export const credentialsTreatedAsExpired = (credentials: Credentials | undefined): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
