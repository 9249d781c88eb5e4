/**
 * Chat webhook bodies per provider. Each takes plain text (a rendered template); the formats differ only in the
 * envelope, and Slack additionally needs &, < and > escaped because it reads them as markup.
 */
import type { ChatFormat } from './definition';

const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const chatPayload = (format: ChatFormat, text: string): Record<string, unknown> => {
  switch (format) {
    case 'feishu':
      return { msg_type: 'text', content: { text } };
    case 'dingtalk':
    case 'wecom':
      return { msgtype: 'text', text: { content: text } };
    case 'slack':
      return { text: slackEscape(text) };
  }
};
