/** Manifest ids are kebab-case; construct ids read better (and logical ids stay stable) in PascalCase. */
export const pascal = (id: string): string =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
