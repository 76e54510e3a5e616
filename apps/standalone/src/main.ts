import { createLogger, Lifecycle } from '@speech/platform';
import { loadStandaloneConfig } from './config';
import { startStandalone } from './standalone';

const log = createLogger({ name: 'standalone', level: process.env.LOG_LEVEL });

async function main(): Promise<void> {
  const cfg = loadStandaloneConfig();
  const platform = await startStandalone(cfg, log);
  const lifecycle = new Lifecycle(log);
  lifecycle.onStop('platform', () => platform.stop());
  lifecycle.installSignalHandlers();
  log.info({ url: platform.url, dataDir: cfg.DATA_DIR }, 'speech platform ready');
  if (platform.demoToken) {
    // Printed for people, not log collectors: the dashboard link carries the token.
    process.stdout.write(
      `\n  Dashboard:  ${platform.url}/#token=${platform.demoToken}\n` +
        `              (listening on ${cfg.HOST}:${cfg.PORT}; PORT and HOST change it)\n` +
        `  API token:  export TOKEN=${platform.demoToken}\n` +
        `  Try:        curl -H "Authorization: Bearer $TOKEN" -F file=@call.mp3 ${platform.url}/upload\n` +
        `  Big files:  npm run speech -- upload call.mp3 --url ${platform.url}   (or set SPEECH_URL; uses $TOKEN)\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});
