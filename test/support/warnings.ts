/**
 * The one place tests see printed warnings: the jest setup silences them (EDGE_STORAGE_SILENCE_WARNINGS=1) for every
 * test, and `printedWarnings(fn)` lifts that for the duration of `fn`, capturing what it prints to console.warn.
 */
export function printedWarnings<T>(fn: () => T): { result: T; printed: string[] } {
  const before = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const result = fn();
    return { result, printed: spy.mock.calls.map((c) => String(c[0])) };
  } finally {
    spy.mockRestore();
    if (before === undefined) {
      delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    } else {
      process.env.EDGE_STORAGE_SILENCE_WARNINGS = before;
    }
  }
}
