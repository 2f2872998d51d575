/** How admin verbs print: aligned columns for people, JSON (--json) for scripts. */
export interface Output {
  line(text: string): void;
  error(text: string): void;
}

export const consoleOutput: Output = {
  line: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

export function table<T extends object>(
  out: Output,
  records: readonly T[],
  columns: readonly string[],
): void {
  const rows = records as readonly Record<string, unknown>[];
  const cell = (v: unknown): string =>
    v === null || v === undefined ? '-' : Array.isArray(v) ? v.join(',') || '-' : String(v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const format = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  out.line(format(columns.map((c) => c.toUpperCase())));
  for (const row of rows) out.line(format(columns.map((c) => cell(row[c]))));
}

export function json(out: Output, value: unknown): void {
  out.line(JSON.stringify(value, null, 2));
}
