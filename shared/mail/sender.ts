/** The From header of the tenant's mail: `Name <address>` when the tenant gave a sender name. */
export const senderOf = (mail: { sender: string; senderName?: string | undefined }): string =>
  mail.senderName ? `${mail.senderName} <${mail.sender}>` : mail.sender;
