import { runCli } from './cli/run-cli';

/** `npm run speech -- upload FILE` (see scripts/cli/run-cli.ts). */
runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    // A failed upload may leave other parts in flight: they are abandoned, the next run resumes.
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
