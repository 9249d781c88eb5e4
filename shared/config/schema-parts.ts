/** Small schema pieces the tenant config and the CRM providers' config sections share. */
import * as z from '../../events/zod';

export const httpsUrl = z.lazy(() => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));
export const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
