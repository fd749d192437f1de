// Figures every benchmark prints the same way: median, min and max of its runs.

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)]!,
    min: sorted[0]!,
    max: sorted.at(-1)!,
    runs: values,
  };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const show = (s: Stats): string =>
  `median ${seconds(s.median)} (min ${seconds(s.min)}, max ${seconds(s.max)}, n=${s.runs.length})`;
