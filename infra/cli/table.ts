/**
 * Aligned text for a terminal: every table and padded field the CLI prints goes through here. Widths are display
 * widths, not string lengths: a CJK character (负责人, 王芳) or a wide emoji takes two terminal cells, a combining
 * accent none, an ANSI colour code none. string-width measures that (Unicode East Asian Width per grapheme).
 */
import stringWidth from 'string-width';

/** How many terminal cells `text` takes. */
export const displayWidth = (text: string): number => stringWidth(text);

/** `text` followed by spaces up to `width` terminal cells (nothing added when it is already as wide). */
export const pad = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** Rows as columns two spaces apart, each as wide as its widest cell, trailing spaces trimmed; one line per row. */
export const columns = (rows: readonly (readonly string[])[]): string => {
  const count = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, i) =>
    Math.max(0, ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  return `${rows
    .map((r) =>
      r
        .map((c, i) => pad(c, widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
};
