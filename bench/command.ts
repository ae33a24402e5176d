// `esa bench` from the command line: options in, table (or JSON) out; progress on stderr.
import { benchOptions, formatReport, runBench, type BenchArgs } from './bench.js';

export async function runBenchCommand(args: BenchArgs): Promise<void> {
  let options;
  try {
    options = benchOptions(args);
  } catch (e) {
    process.stderr.write(`esa: ${(e as Error).message} (see esa bench --help)\n`);
    process.exit(2);
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const report = await runBench(options, log);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  } catch (e) {
    process.stderr.write(`esa bench: ${(e as Error).stack ?? (e as Error).message}\n`);
    process.exitCode = 1;
  }
}
