/**
 * The tenant's notification-channel token, on its own so that the settings (in every bundle of a Zoho tenant)
 * generate it without loading the channel client (./watch.ts, which re-exports it).
 */
import { randomBytes } from 'node:crypto';

/** Zoho caps tokens at 50 characters; 32 random bytes in base64url are 43. */
export const generateChannelToken = (): string => randomBytes(32).toString('base64url');
