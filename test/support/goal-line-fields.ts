/** The figures a digest's goal line shares with `goals progress --json` (README, Manager digests, `--format json`). */
export const GOAL_LINE_FIGURES = [
  'actual',
  'target',
  'expected',
  'attainment',
  'gap',
  'neededPerWeek',
  'projected',
  'coverage',
  'status',
] as const;
