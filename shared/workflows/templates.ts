/**
 * Tenant-authored message templates: a subject, a text body and optionally HTML, per locale, with merge fields
 * written `{{record.name}}` or, with a fallback for an empty value, `{{contact.name|there}}`.
 *
 * The merge fields are a closed catalogue (plus the tenant's mapped `record.fields.<name>`): a typo is refused when
 * the config is validated, not discovered as a blank in a customer's inbox. Merge values are untrusted CRM data, so
 * they are escaped in HTML and flattened to one line in subjects; the template's own HTML is the tenant's and kept.
 */
import type { CanonicalRecord } from '../../events';
import { formatMoney } from '../incentives/money';
import { escapeHtml, oneLine } from '../mail/escape';
import type { Locale, TemplateDefinition } from './definition';
import { LOCALES } from './definition';

export const MERGE_FIELDS = [
  'record.id',
  'record.object',
  'record.name',
  'record.email',
  'record.stage',
  'record.status',
  'record.amount',
  'record.currency',
  'record.closeDate',
  'owner.name',
  'owner.email',
  'contact.name',
  'contact.email',
  'change.from',
  'change.to',
  'tenant.name',
] as const;
const KNOWN = new Set<string>(MERGE_FIELDS);

export const isKnownMergeField = (name: string, mappedFields: Record<string, unknown>): boolean =>
  KNOWN.has(name) || (name.startsWith('record.fields.') && Object.hasOwn(mappedFields, name.slice(14)));

type Part = string | { field: string; fallback: string };
export interface CompiledText {
  readonly parts: readonly Part[];
  readonly fields: readonly string[];
}

const MERGE = /\{\{\s*([^{}|]+?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

/** Splits a text once into literals and merge fields; rendering is then a join. Unbalanced braces are an error. */
export const compileText = (source: string): CompiledText | { error: string } => {
  const parts: Part[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const m of source.matchAll(MERGE)) {
    parts.push(source.slice(last, m.index));
    const field = m[1] ?? '';
    parts.push({ field, fallback: m[2] ?? '' });
    fields.push(field);
    last = m.index + m[0].length;
  }
  parts.push(source.slice(last));
  const stray = parts.find((p) => typeof p === 'string' && (p.includes('{{') || p.includes('}}')));
  if (stray !== undefined) return { error: `has an unbalanced or malformed merge field near "${stray}"` };
  return { parts, fields };
};

/** Everything a merge field can read; the handler builds it from the event (or fresh record) and the tenant. */
export interface MergeContext {
  object: string;
  record: CanonicalRecord;
  change?: { from: string | null; to: string | null } | undefined;
  tenant: { name: string; locale: Locale; currency: string };
}

/** Exact (Intl formats the decimal string, ECMA-402 2023), with one cached formatter per locale and currency. */
const formatAmount = (amount: string | undefined, currency: string, locale: Locale): string =>
  amount ? formatMoney(amount, currency, locale) : '';

export const mergeValue = (ctx: MergeContext, field: string): string => {
  const r = ctx.record;
  switch (field) {
    case 'record.id':
      return r.id;
    case 'record.object':
      return ctx.object;
    case 'record.name':
    case 'contact.name':
      return r.name ?? '';
    case 'record.email':
    case 'contact.email':
      return r.email ?? '';
    case 'record.stage':
      return r.stage ?? '';
    case 'record.status':
      return r.status ?? '';
    case 'record.amount':
      return formatAmount(r.amount, r.currency ?? ctx.tenant.currency, ctx.tenant.locale);
    case 'record.currency':
      return r.currency ?? ctx.tenant.currency;
    case 'record.closeDate':
      return r.closeDate ?? '';
    case 'owner.name':
      return r.owner?.name ?? r.owner?.email ?? '';
    case 'owner.email':
      return r.owner?.email ?? '';
    case 'change.from':
      return ctx.change?.from ?? '';
    case 'change.to':
      return ctx.change?.to ?? '';
    case 'tenant.name':
      return ctx.tenant.name;
  }
  if (field.startsWith('record.fields.')) {
    const v = r.fields[field.slice(14)];
    return v === undefined || v === null ? '' : String(v);
  }
  return '';
};

const join = (t: CompiledText, value: (field: string) => string, literal: (s: string) => string): string => {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') out += literal(p);
    else out += value(p.field) || p.fallback;
  }
  return out;
};

/** Plain text: merged as written (for CRM task subjects, chat messages and text bodies). */
export const renderText = (t: CompiledText, ctx: MergeContext): string =>
  join(
    t,
    (f) => mergeValue(ctx, f),
    (s) => s,
  );

export interface CompiledTemplate {
  readonly locales: Partial<
    Record<Locale, { subject: CompiledText; text: CompiledText; html?: CompiledText }>
  >;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  locale: Locale;
}

const must = (t: CompiledText | { error: string }): CompiledText => {
  if ('error' in t) throw new Error(t.error); // validate.ts refuses these first; reaching this is a bug
  return t;
};

export const compileTemplate = (def: TemplateDefinition): CompiledTemplate => {
  const locales: CompiledTemplate['locales'] = {};
  for (const locale of LOCALES) {
    const body = def.locales[locale];
    if (!body) continue;
    locales[locale] = {
      subject: must(compileText(body.subject)),
      text: must(compileText(body.text)),
      ...(body.html ? { html: must(compileText(body.html)) } : {}),
    };
  }
  return { locales };
};

/** Text to HTML when the tenant wrote no HTML: escaped, a paragraph per blank line, <br> per line break. */
const textToHtml = (text: string): string =>
  text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('');

/** Renders in the wanted locale, else the first locale the template has (validation ensures there is one). */
export const renderTemplate = (tpl: CompiledTemplate, locale: Locale, ctx: MergeContext): RenderedMessage => {
  const chosen = tpl.locales[locale] ? locale : LOCALES.find((l) => tpl.locales[l]);
  const body = chosen ? tpl.locales[chosen] : undefined;
  if (!chosen || !body) throw new Error('template has no locale to render');
  const value = (f: string) => mergeValue(ctx, f);
  const text = renderText(body.text, ctx);
  const html = body.html
    ? join(
        body.html,
        (f) => escapeHtml(value(f)),
        (s) => s,
      )
    : textToHtml(text);
  return { subject: oneLine(renderText(body.subject, ctx)), html, text, locale: chosen };
};
