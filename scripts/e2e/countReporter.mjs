// A node:test reporter that writes only the totals, as JSON, for run.mjs's closing line.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Suites (and files) report too; count the tests inside them.
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:fail') {
      counts.failed++;
      counts.failures.push(`${event.data.name}: ${String(event.data.details?.error?.cause?.message ?? event.data.details?.error?.message ?? '').split('\n')[0]}`);
    } else if (event.data.skip !== undefined || event.data.todo !== undefined) counts.skipped++;
    else counts.passed++;
  }
  yield `${JSON.stringify(counts)}\n`;
}
