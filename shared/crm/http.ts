/**
 * The HTTP client the CRM connectors call their APIs with: the small part of axios's interface they use (request,
 * post; params, JSON and form bodies, a status check the caller may turn off; timeout; redirects off), on Node's
 * built-in fetch. Hand-written on purpose: axios with its Node adapter, follow-redirects and proxy agents is about
 * 100 KB of every bundle that talks to a CRM (sync, reconcile, the workflow runner's write-backs), and fetch is
 * already in the runtime. An axios instance satisfies the same interface, so tests may still hand one in.
 */
import { VendorError } from '../errors';

export interface HttpRequest {
  url?: string;
  method?: string;
  /** Query parameters; undefined values are left out. */
  params?: Record<string, string | number | boolean | undefined>;
  /** URLSearchParams go as a form, strings as they are, anything else as JSON. */
  data?: unknown;
  headers?: Record<string, string>;
  /** Which statuses resolve (default 2xx); the others reject with HttpStatusError. */
  validateStatus?: (status: number) => boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  /** Parsed JSON when the body is JSON, else the text ('' for an empty body). */
  data: T;
  /** Lower-case names. */
  headers: Record<string, string>;
}

export interface HttpClient {
  request(config: HttpRequest): Promise<HttpResponse>;
  post(url: string, data?: unknown, config?: HttpRequest): Promise<HttpResponse>;
}

export interface HttpClientOptions {
  baseURL?: string;
  /** Per request, in ms: a request still unanswered then is aborted with an error naming the timeout. */
  timeout: number;
  /** 0: a redirect is returned as the answer (a 3xx the caller sees), not followed. */
  maxRedirects?: 0;
}

/** The CRM answered with a status outside the accepted ones; its code is `HTTP_<status>` (e.g. `HTTP_503`). */
export class HttpStatusError extends VendorError {
  constructor(readonly response: HttpResponse) {
    super(`HTTP_${response.status}`, `Request failed with status code ${response.status}`);
  }
}

const urlOf = (url: string, base: string | undefined, params: HttpRequest['params']): string => {
  const full =
    base && !/^https?:\/\//i.test(url) ? `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}` : url;
  const u = new URL(full);
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) u.searchParams.append(k, String(v));
  return u.toString();
};

const bodyOf = (data: unknown, headers: Record<string, string>): string | URLSearchParams | undefined => {
  if (data === undefined) return undefined;
  if (data instanceof URLSearchParams || typeof data === 'string') return data;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  return JSON.stringify(data);
};

const parsed = (text: string): unknown => {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export const createHttpClient = (opts: HttpClientOptions): HttpClient => {
  const request = async (config: HttpRequest): Promise<HttpResponse> => {
    const headers = { ...config.headers };
    const body = bodyOf(config.data, headers);
    let res: Response;
    try {
      res = await fetch(urlOf(config.url ?? '', opts.baseURL, config.params), {
        method: (config.method ?? 'GET').toUpperCase(),
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: opts.maxRedirects === 0 ? 'manual' : 'follow',
        signal: AbortSignal.timeout(opts.timeout),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new Error(`timeout of ${opts.timeout}ms exceeded`);
      throw err;
    }
    const response: HttpResponse = {
      status: res.status,
      data: parsed(await res.text()),
      headers: Object.fromEntries(res.headers),
    };
    const ok = config.validateStatus ?? ((s: number) => s >= 200 && s < 300);
    if (!ok(res.status)) throw new HttpStatusError(response);
    return response;
  };
  return {
    request,
    post: (url, data, config) => request({ ...config, url, method: 'POST', data }),
  };
};
