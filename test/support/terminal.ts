/** A terminal for the CLI commands that keeps what they print, for assertions. */
import type { Terminal } from '../../infra/cli/common';

export const terminal = (isTTY = false) => {
  const t = { out: '', err: '' };
  const term: Terminal & { isTTY: boolean } = {
    out: (s) => {
      t.out += s;
    },
    err: (s) => {
      t.err += s;
    },
    isTTY,
  };
  return { t, term };
};
