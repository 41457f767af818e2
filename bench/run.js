// @ts-check
/** `npm run bench`: runs every benchmark in this folder (each prints its figures and ratios). */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const benches = fs
  .readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.js'))
  .sort();
if (benches.length === 0) console.log('No benchmark exists yet (bench/*.bench.js).');
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, [path.join(__dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
