/**
 * Stands in for the `debug` package in Lambda bundles (see bundle-aliases.ts). It reaches them through axios's
 * proxy support (https-proxy-agent, agent-base), only to print diagnostics when the DEBUG variable names one of
 * their namespaces, which no function sets; it brings supports-color and ms along (about 10 KB minified). Here
 * every namespace is off. follow-redirects loads `debug` optionally and uses its own no-op when the module it gets
 * is not callable, as this ES module's namespace is not.
 */
type Debugger = ((...args: unknown[]) => void) & {
  enabled: boolean;
  namespace: string;
  extend: (sub: string) => Debugger;
};

const createDebug = (namespace: string): Debugger =>
  Object.assign(() => {}, {
    enabled: false,
    namespace,
    extend: (sub: string) => createDebug(`${namespace}:${sub}`),
  });

export default createDebug;
