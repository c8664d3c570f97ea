/**
 * Lets a child `node` process run the TypeScript sources directly (-r test/helpers/register-ts.js
 * src/main.ts), compiled on load by @swc/core as jest does: drills test the code as it is now,
 * not a possibly stale dist/.
 */
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
