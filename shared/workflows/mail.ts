/**
 * Workflow mail in the one mail layout: the tenant's template (its HTML, or its text as paragraphs) inside the
 * card. Mail to the tenant's own people (owner, manager) about a deal gets the deal's facts under the message;
 * mail to a contact is signed by the rep and ends with a proper unsubscribe link in the contact's language.
 */
import type { CanonicalRecord } from '../../events';
import { type Block, type Branding, brandLine, type Link, renderMail } from '../mail/layout';
import type { Locale } from './definition';
import type { MergeContext, RenderedMessage } from './templates';
import { mergeValue } from './templates';

const COPY = {
  en: {
    deal: 'Deal',
    amount: 'Amount',
    stage: 'Stage',
    closeDate: 'Close date',
    owner: 'Owner',
    unsubscribe: 'Unsubscribe from these emails',
    why: (tenant: string) => `You receive this email from ${tenant}.`,
  },
  'zh-CN': {
    deal: '商机',
    amount: '金额',
    stage: '阶段',
    closeDate: '成交日期',
    owner: '负责人',
    unsubscribe: '退订此类邮件',
    why: (tenant: string) => `此邮件由${tenant}发送。`,
  },
} as const;

export interface WorkflowMailInput {
  rendered: RenderedMessage;
  merge: MergeContext;
  /** contact: external mail (signature, unsubscribe); else the tenant's own people. */
  external: boolean;
  unsubscribeLink?: string | undefined;
  branding?: Branding | undefined;
}

const dateOf = (value: string, locale: Locale): string => {
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!d) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]))),
  );
};

/** The deal's key facts, for the people who work it; nothing when the record is not a deal. */
const dealFacts = (ctx: MergeContext, record: CanonicalRecord, locale: Locale): Block[] => {
  if (ctx.object !== 'deal') return [];
  const t = COPY[locale];
  const rows: [string, string][] = [];
  const add = (k: string, v: string) => {
    if (v.trim() !== '') rows.push([k, v]);
  };
  add(t.deal, record.name ?? record.id);
  add(t.amount, mergeValue({ ...ctx, tenant: { ...ctx.tenant, locale } }, 'record.amount'));
  add(t.stage, record.stage ?? '');
  add(t.closeDate, record.closeDate ? dateOf(record.closeDate, locale) : '');
  add(t.owner, record.owner?.name ?? record.owner?.email ?? '');
  return rows.length > 1 ? [{ type: 'facts', rows }] : [];
};

export const workflowMail = (input: WorkflowMailInput): { subject: string; html: string; text: string } => {
  const { rendered, merge, external } = input;
  const locale = rendered.locale;
  const t = COPY[locale];
  const brand = { name: merge.tenant.name, branding: input.branding };
  const owner = merge.record.owner;
  const signature: Block[] =
    external && owner?.name
      ? [{ type: 'signature', lines: [owner.name, merge.tenant.name, ...(owner.email ? [owner.email] : [])] }]
      : [];
  const footer: (string | Link)[] = external
    ? [
        t.why(merge.tenant.name),
        ...(input.unsubscribeLink ? [{ text: t.unsubscribe, href: input.unsubscribeLink }] : []),
      ]
    : [brandLine(brand)];
  const { html, text } = renderMail(brand, {
    locale,
    title: rendered.subject,
    blocks: [
      { type: 'html', html: rendered.html, text: rendered.text.trim() },
      ...(external ? [] : dealFacts(merge, merge.record, locale)),
      ...signature,
    ],
    footer,
  });
  return { subject: rendered.subject, html, text };
};
