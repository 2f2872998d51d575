/**
 * Fails (exit 1) when a file breaks the dependency rules of shared/DESIGN.md.
 * Usage: tsx scripts/check-deps.ts [root]   (root defaults to the working directory)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { checkImport, resolveRelative, type Violation } from './dependency-rules.js';

export function findViolations(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const dir of ['src', 'web/src']) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, dir), { recursive: true }).map(String);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!/\.(ts|tsx|mts)$/.test(entry) || /\.test\.tsx?$/.test(entry) || entry.includes('node_modules'))
        continue;
      const file = relative(root, join(root, dir, entry))
        .split('\\')
        .join('/');
      const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
      for (const { fileName: specifier } of info.importedFiles) {
        const isRelative = specifier.startsWith('.');
        const to = isRelative ? resolveRelative(file, specifier) : specifier;
        const violation = checkImport(file, to, !isRelative);
        if (violation) violations.push(violation);
      }
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? process.cwd();
  const violations = findViolations(root);
  for (const v of violations) console.error(`${v.from} → ${v.to}: ${v.rule}`);
  if (violations.length > 0) {
    console.error(`${violations.length} dependency rule violation(s); see shared/DESIGN.md`);
    process.exit(1);
  }
  console.log('dependency rules: ok');
}
