/**
 * The chat webhook formats and their providers' endpoints: a module of its own (no schemas) so that the tenant
 * config can name them without every function bundling the workflow document's schemas (definition.ts).
 */
export const CHAT_FORMATS = ['feishu', 'dingtalk', 'wecom', 'slack'] as const;
export type ChatFormat = (typeof CHAT_FORMATS)[number];

/** The providers' own webhook endpoints; a tenant may add more prefixes with chatAllowList. */
export const CHAT_URL_PREFIXES: Record<ChatFormat, string[]> = {
  feishu: [
    'https://open.feishu.cn/open-apis/bot/v2/hook/',
    'https://open.larksuite.com/open-apis/bot/v2/hook/',
  ],
  dingtalk: ['https://oapi.dingtalk.com/robot/send'],
  wecom: ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send'],
  slack: ['https://hooks.slack.com/services/'],
};
