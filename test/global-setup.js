/**
 * Tests that start the real gateway as a child process run dist/; build it once per run so
 * they never test stale output.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  // Names this run's PostgreSQL schemas (TEST_ENGINE=postgres), so the teardown drops only those.
  process.env.RALLYTEXT_PG_RUN = String(Date.now());
  const root = path.join(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
};
