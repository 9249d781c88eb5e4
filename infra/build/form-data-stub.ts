/**
 * Stands in for the `form-data` package in Lambda bundles (see bundle-aliases.ts). axios imports it only to build
 * multipart bodies (a `multipart/form-data` content type or a FileList), which no connector sends: Zoho and
 * Fxiaoke calls are JSON, Zoho's token calls URLSearchParams. Should one ever be sent, this fails loudly instead
 * of posting something else.
 */
export default class FormData {
  constructor() {
    throw new Error('multipart/form-data bodies are not supported in this bundle (form-data is stubbed)');
  }
}
