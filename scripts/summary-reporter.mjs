// A node:test reporter that counts leaf tests (not suites) across every file and prints
// the closing line CI reads: `N passed, N failed, N skipped`.
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const details = event.data.details ?? {};
    if (details.type === 'suite') continue;
    // A file that fails to load is reported as a failing test at nesting 0: count it.
    if (event.data.skip !== undefined && event.data.skip !== false) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
