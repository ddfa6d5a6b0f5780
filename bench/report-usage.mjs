// Loaded with `node --import` by the CLI benchmark: at exit, the process's CPU time and peak resident set size
// as one JSON line on stderr (the CLI itself is run unchanged).
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nNETPOL_E2E_USAGE ${JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 })}\n`);
});
