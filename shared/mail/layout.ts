/**
 * The one look of every message Quotaflow sends (statements, team summaries, workflow mail, and later goal
 * reminders and digests) and of the pages it serves (unsubscribe). A message is a list of typed blocks; the same
 * blocks give the HTML part and a plain-text part that reads on its own.
 *
 * Hand-written typed functions rather than a template library (MJML, react-email): those pull hundreds of KB into
 * each Lambda bundle (limit 500 KB), while what we need is one single-column card. Email clients strip <style> and
 * <link>, so every style is inline on its element; the one <style> only adds dark-mode and narrow-screen tweaks,
 * which clients that drop it simply do without. Every text colour is set together with a background, so a client
 * that inverts one never leaves dark text on a dark background. Every interpolated value goes through escapeHtml.
 */
import { escapeHtml } from './escape';

export type MailLocale = 'zh-CN' | 'en';

/** What the X-Quotaflow-Kind header says: what a message is, for filters, metrics and support. */
export type MailKind =
  | 'statement'
  | 'team-summary'
  | 'workflow'
  | 'goal-reminder'
  | 'goal-recognition'
  | 'weekly-checkin'
  | 'manager-digest';

export interface Branding {
  /** https URL of a logo, shown 32 px high above the title. */
  logoUrl?: string | undefined;
  /** #rrggbb accent: the bar above the card, buttons and links. */
  color?: string | undefined;
}

export interface Brand {
  /** The tenant's display name, shown in the header and footer. */
  name: string;
  branding?: Branding | undefined;
}

export interface Link {
  text: string;
  href: string;
}

export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; text: string }
  /** Label / value pairs, values right-aligned (a summary). */
  | { type: 'facts'; rows: readonly (readonly [string, string])[] }
  | {
      type: 'table';
      head: readonly string[];
      rows: readonly (readonly string[])[];
      /** Column indexes aligned right (amounts). */
      numeric?: readonly number[];
      /** A last row in bold (totals). */
      total?: readonly string[];
      /** How one row reads in the text part; default "- a: head b, head c". */
      textRow?: (row: readonly string[]) => string;
    }
  | { type: 'button'; link: Link }
  | { type: 'note'; text: string }
  /** Who the message is from, under the body (mail a rep sends to a contact). */
  | { type: 'signature'; lines: readonly string[] }
  /** Markup that is already safe (the tenant's own template HTML with escaped merge values, a form). */
  | { type: 'html'; html: string; text: string };

export interface MailDocument {
  locale: MailLocale;
  /** The heading of the card (usually the subject) and the HTML <title>. */
  title: string;
  /** The preview line inbox lists show after the subject; hidden in the body. */
  preheader?: string | undefined;
  blocks: readonly Block[];
  /** Small print under the card: text, or links (unsubscribe). */
  footer?: readonly (string | Link)[] | undefined;
}

const DEFAULT_COLOR = '#2f6feb';
const TEXT = '#1f2328';
const MUTED = '#57606a';
const LINE = '#d8dee4';
const PAGE = '#f4f5f7';
const CARD = '#ffffff';
const FONT =
  "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif";

const COLOR = /^#[0-9a-fA-F]{6}$/;
const SAFE_HREF = /^(https?:|mailto:|[a-z0-9-]+(?:[/?]|$))/i;

/** White or near-black, whichever reads better on the accent (WCAG relative luminance). */
const onColor = (hex: string): string => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
};

const accentOf = (brand: Brand): string => {
  const c = brand.branding?.color;
  return c && COLOR.test(c) ? c.toLowerCase() : DEFAULT_COLOR;
};

/** Links the layout draws: http(s), mailto and relative paths only (a form action); anything else is text. */
const safeHref = (href: string): string | undefined =>
  SAFE_HREF.test(href.trim()) ? href.trim() : undefined;

const anchor = (link: Link, color: string, background: string): string => {
  const href = safeHref(link.href);
  if (!href) return escapeHtml(link.text);
  return `<a href="${escapeHtml(href)}" style="color:${color};background:${background};text-decoration:underline">${escapeHtml(link.text)}</a>`;
};

const cellStyle = (align: 'left' | 'right', head: boolean): string =>
  `padding:8px 6px;border-bottom:1px solid ${LINE};text-align:${align};vertical-align:top;` +
  (head ? `font-size:12px;color:${MUTED};font-weight:600;` : `font-size:14px;color:${TEXT};`) +
  `background:${CARD}`;

/** A cell's first line as is, further lines (a deal id, an exchange rate) smaller and muted. */
const cellHtml = (c: string): string => {
  const [first = '', ...rest] = c.split('\n');
  return (
    escapeHtml(first) +
    rest
      .map(
        (l) => `<br><span style="font-size:12px;color:${MUTED};background:${CARD}">${escapeHtml(l)}</span>`,
      )
      .join('')
  );
};

const htmlBlock = (b: Block, accent: string): string => {
  switch (b.type) {
    case 'paragraph':
      return `<p style="margin:0 0 14px;font-size:15px;line-height:1.6;color:${TEXT};background:${CARD}">${escapeHtml(b.text).replace(/\n/g, '<br>')}</p>`;
    case 'heading':
      return `<h2 style="margin:22px 0 8px;font-size:16px;line-height:1.4;color:${TEXT};background:${CARD}">${escapeHtml(b.text)}</h2>`;
    case 'facts':
      return (
        `<table role="presentation" class="qf-facts" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0 14px">` +
        b.rows
          .map(
            ([k, v], i) =>
              `<tr><td style="${cellStyle('left', false)};vertical-align:baseline;color:${MUTED}${i === b.rows.length - 1 ? ';border-bottom:0' : ''}">${escapeHtml(k)}</td>` +
              `<td style="${cellStyle('right', false)};vertical-align:baseline;font-weight:600;white-space:nowrap${i === b.rows.length - 1 ? ';border-bottom:0' : ''}">${escapeHtml(v)}</td></tr>`,
          )
          .join('') +
        '</table>'
      );
    case 'table': {
      const numeric = new Set(b.numeric ?? []);
      const align = (i: number) => (numeric.has(i) ? 'right' : 'left');
      const row = (cells: readonly string[], head: boolean, bold = false) =>
        `<tr>${cells
          .map((c, i) => {
            const tag = head ? 'th' : 'td';
            const nowrap = numeric.has(i) ? ';white-space:nowrap' : '';
            return `<${tag} style="${cellStyle(align(i), head)}${nowrap}${bold ? ';font-weight:700' : ''}">${cellHtml(c)}</${tag}>`;
          })
          .join('')}</tr>`;
      // A wide table scrolls inside the card on a phone instead of widening the whole message.
      return (
        '<div class="qf-scroll" style="overflow-x:auto;margin:4px 0 14px">' +
        '<table class="qf-table" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;min-width:100%">' +
        row(b.head, true) +
        b.rows.map((r) => row(r, false)).join('') +
        (b.total ? row(b.total, false, true) : '') +
        '</table></div>'
      );
    }
    case 'button': {
      const href = safeHref(b.link.href);
      if (!href) return `<p style="color:${TEXT};background:${CARD}">${escapeHtml(b.link.text)}</p>`;
      return (
        `<p style="margin:18px 0;background:${CARD}"><a href="${escapeHtml(href)}" style="display:inline-block;padding:10px 22px;border-radius:6px;` +
        `background:${accent};color:${onColor(accent)};font-size:15px;font-weight:600;text-decoration:none">${escapeHtml(b.link.text)}</a></p>`
      );
    }
    case 'note':
      return `<p style="margin:14px 0;font-size:13px;line-height:1.5;color:${MUTED};background:${CARD}">${escapeHtml(b.text)}</p>`;
    case 'signature':
      return (
        `<p style="margin:22px 0 0;padding-top:12px;border-top:1px solid ${LINE};font-size:14px;line-height:1.5;color:${TEXT};background:${CARD}">` +
        b.lines.map((l, i) => (i === 0 ? `<strong>${escapeHtml(l)}</strong>` : escapeHtml(l))).join('<br>') +
        '</p>'
      );
    case 'html':
      return `<div style="font-size:15px;line-height:1.6;color:${TEXT};background:${CARD}">${b.html}</div>`;
  }
};

const textBlock = (b: Block): string => {
  switch (b.type) {
    case 'paragraph':
    case 'note':
      return b.text;
    case 'heading':
      return `${b.text}\n${'-'.repeat(Math.min(40, [...b.text].length * 2))}`;
    case 'facts': {
      return b.rows.map(([k, v]) => `${k}: ${v}`).join('\n');
    }
    case 'table': {
      const each =
        b.textRow ??
        ((r: readonly string[]) =>
          `- ${r[0] ?? ''}: ${r
            .slice(1)
            .map((v, i) => `${b.head[i + 1] ?? ''} ${v || '—'}`)
            .join(', ')}`);
      return [...b.rows, ...(b.total ? [b.total] : [])].map(each).join('\n');
    }
    case 'button':
      return `${b.link.text}: ${b.link.href}`;
    case 'signature':
      return b.lines.join('\n');
    case 'html':
      return b.text;
  }
};

const DARK_AND_NARROW =
  ':root{color-scheme:light dark;supported-color-schemes:light dark}' +
  '@media (prefers-color-scheme:dark){' +
  `.qf-page{background:#0d1117 !important}.qf-card,.qf-card p,.qf-card h1,.qf-card h2,.qf-card div,.qf-card td,.qf-card th{background:#161b22 !important;color:#e6edf3 !important}` +
  '.qf-card td,.qf-card th{border-color:#30363d !important}.qf-foot,.qf-foot p{background:#0d1117 !important;color:#8b949e !important}}' +
  '@media (max-width:480px){.qf-pad{padding:20px 16px !important}.qf-title{font-size:19px !important}' +
  '.qf-table td,.qf-table th{font-size:13px !important;padding:7px 4px !important}}';

/** The whole HTML document. */
export const renderHtml = (brand: Brand, doc: MailDocument): string => {
  const accent = accentOf(brand);
  const logo = brand.branding?.logoUrl;
  const header =
    logo && /^https:\/\//.test(logo)
      ? `<img src="${escapeHtml(logo)}" alt="${escapeHtml(brand.name)}" height="32" style="display:block;height:32px;width:auto;max-width:240px;border:0;margin:0 0 16px">`
      : `<p style="margin:0 0 14px;font-size:13px;font-weight:600;letter-spacing:.02em;color:${MUTED};background:${CARD}">${escapeHtml(brand.name)}</p>`;
  const footer = (doc.footer ?? [])
    .map((f) =>
      typeof f === 'string'
        ? `<p style="margin:0 0 6px;color:${MUTED};background:${PAGE}">${escapeHtml(f)}</p>`
        : `<p style="margin:0 0 6px;color:${MUTED};background:${PAGE}">${anchor(f, MUTED, PAGE)}</p>`,
    )
    .join('');
  const preheader = doc.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;opacity:0;color:${PAGE};background:${PAGE}">${escapeHtml(doc.preheader)}</div>`
    : '';
  return (
    `<!doctype html><html lang="${doc.locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">' +
    `<title>${escapeHtml(doc.title)}</title><style>${DARK_AND_NARROW}</style></head>` +
    `<body class="qf-page" style="margin:0;padding:0;background:${PAGE};color:${TEXT};font-family:${FONT}">${preheader}` +
    `<table role="presentation" class="qf-page" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background:${PAGE}"><tr><td align="center" style="padding:24px 8px;background:${PAGE}">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;max-width:600px;width:100%">` +
    `<tr><td style="height:4px;line-height:4px;font-size:0;background:${accent};border-radius:8px 8px 0 0">&nbsp;</td></tr>` +
    `<tr><td class="qf-card qf-pad" style="padding:28px 32px;background:${CARD};color:${TEXT};border-radius:0 0 8px 8px;font-family:${FONT}">` +
    header +
    `<h1 class="qf-title" style="margin:0 0 18px;font-size:22px;line-height:1.35;color:${TEXT};background:${CARD}">${escapeHtml(doc.title)}</h1>` +
    doc.blocks.map((b) => htmlBlock(b, accent)).join('') +
    '</td></tr>' +
    `<tr><td class="qf-foot" style="padding:16px 32px;font-size:12px;line-height:1.5;color:${MUTED};background:${PAGE};font-family:${FONT}">${footer}</td></tr>` +
    '</table></td></tr></table></body></html>'
  );
};

/** The plain-text part: the same blocks, a blank line apart, the footer after the signature delimiter. */
export const renderPlainText = (doc: MailDocument): string => {
  const body = doc.blocks.map(textBlock).filter((s) => s !== '');
  const footer = (doc.footer ?? []).map((f) => (typeof f === 'string' ? f : `${f.text}: ${f.href}`));
  // "-- " on its own line is the signature delimiter mail clients recognise (and fold away in replies).
  return `${[...body, ...(footer.length ? [`-- \n${footer.join('\n')}`] : [])].join('\n\n')}\n`;
};

export const renderMail = (brand: Brand, doc: MailDocument): { html: string; text: string } => ({
  html: renderHtml(brand, doc),
  text: renderPlainText(doc),
});

/** The footer line every message ends with. */
export const brandLine = (brand: Brand): string => `${brand.name} · Quotaflow`;
