/**
 * Runs before every test file (jest `setupFiles`). Warnings are recorded on the constructs either way
 * (`Warnings.collect`); printing them is silenced here so the test log holds only results. A test that asserts the
 * printed line deletes the variable for its own duration (see `printedWarnings` in test/support/warnings.ts).
 */
process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
