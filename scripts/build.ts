/**
 * `npm run build`: builds the site into `dist/` with `astro build`, unless a
 * build of exactly these inputs was kept in the build cache (build-cache.ts),
 * in which case `dist/` is restored from it and the last line says so.
 *
 * Usage: npm run build [-- --fresh]
 * `--fresh` (or `NOTEBOOK_FRESH=1`, or `CI=true`) ignores both caches: the
 * site's and the cells' outputs. Other arguments go to `astro build`.
 *
 * The last line gives the wall time, the CPU time of the build's processes
 * (user + system, all threads and child processes: the steadier figure on a
 * busy machine) and the load average before and after.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cachePolicy, SiteBuildCache, siteBuildKey, type BuildKeyEnvironment } from "./build-cache.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const dist = join(root, "dist");

/** User + system seconds of this process's finished children (Linux: `/proc/self/stat`), or undefined elsewhere. */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name: cutime is field 16, cstime 17, in 1/100 s (USER_HZ).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function runAstroBuild(astroArgs: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "node_modules/astro/astro.js"), "build", ...astroArgs], { cwd: root, stdio: "inherit", env });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const policy = cachePolicy(args, process.env);
  const environment: BuildKeyEnvironment = { env: process.env, node: process.version, platform: `${process.platform}-${process.arch}` };
  const cache = new SiteBuildCache(join(root, "node_modules/.cache/site-build"));
  const key = siteBuildKey(root, environment);

  if (policy.use) {
    const kept = cache.restore(key, dist);
    if (kept) {
      const when = kept.builtAt.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");
      console.log(
        `build: restored dist/ from the build cache in ${seconds()} s: no input changed since the build of ${when} (${kept.seconds.toFixed(1)} s); ` +
          "npm run build -- --fresh builds again",
      );
      return 0;
    }
  }

  const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: "1", ...(args.includes("--fresh") ? { NOTEBOOK_FRESH: "1" } : {}) };
  const code = await runAstroBuild(
    args.filter((arg) => arg !== "--fresh"),
    env,
  );
  if (code !== 0) return code;

  const wall = (performance.now() - started) / 1000;
  const cpu = childrenCpuSeconds();
  let kept: string;
  if (policy.reason === "CI") kept = "not kept (CI)";
  else if (siteBuildKey(root, environment) !== key) kept = "not kept: an input changed during the build";
  else {
    cache.store(key, dist, { builtAt: new Date().toISOString(), seconds: wall });
    kept = "kept in the build cache";
  }
  const cpuText = cpu === undefined ? "" : `, ${cpu.toFixed(1)} s CPU (user + system of the build's processes)`;
  const fresh = policy.use ? "" : ` (${policy.reason}: caches ignored)`;
  console.log(`build: ${wall.toFixed(1)} s${cpuText}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}${fresh}; ${kept}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`build: ${(error as Error).message}`);
  process.exitCode = 1;
}
