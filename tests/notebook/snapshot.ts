/**
 * File snapshots, as Observable Plot keeps them: the expected text lives in a
 * reviewable file; a missing file is written on first run; a difference
 * writes `<name>-changed.<ext>` next to it and fails the test.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

export function expectMatchesFile(actual: string, path: string): void {
  const changed = path.replace(/(\.[^.]+)$/, "-changed$1");
  if (!existsSync(path) || process.env.UPDATE_SNAPSHOTS) {
    writeFileSync(path, actual);
    rmSync(changed, { force: true });
    return;
  }
  const expected = readFileSync(path, "utf8");
  if (actual === expected) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  expect(actual, `${path} changed; see ${changed} (UPDATE_SNAPSHOTS=1 to accept)`).toBe(expected);
}
