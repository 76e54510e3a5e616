/**
 * The last step of `npm run check:deploy`: the environment that the Helm chart and the compose
 * file give each service, parsed by that service's own config loader, the way the service parses
 * it at start-up (the distributed config schema of libs/runtime, then what each service builds
 * from it: the token verifier, the STT engine, the analyst). A chart value that would crash a pod
 * fails here, with the loader's own message.
 *
 * It also checks the deployment rules that no loader sees: the stt-worker autoscaler within the
 * partitions of its work topic, no `replicas` beside an autoscaler, a startup probe, a non-root
 * numeric user, no credentials in a ConfigMap, the service URLs pointing at services that exist,
 * Kafka's log dir on a volume, pinned images.
 *
 * Usage: tsx scripts/check-deploy-env.ts --chart NAME=rendered.yaml ... --compose NAME=loaded.json ...
 *   rendered.yaml: `helm template` output; loaded.json: deploy/check/compose-loader output.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { createAnalyst } from '@speech/llm-analyst';
import { createLogger, TokenVerifier } from '@speech/platform';
import { loadDistributedConfig, resolveAuth, type DistributedConfig } from '@speech/runtime';
import { createSpeechToText } from '@speech/stt';

type Env = Record<string, string>;
type Manifest = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; [k: string]: unknown };

interface Workload {
  /** e.g. `chart(default) stt-worker`. */
  where: string;
  service: string;
  env: Env;
}

const APP_SERVICES = ['upload-gateway', 'query', 'chunker', 'stt-worker', 'merger', 'analyzer'] as const;
/** Keys that carry credentials: never in a ConfigMap. */
const SECRET_KEYS =
  /^(MONGODB_URL|AUTH_JWT_SECRET|AWS_SECRET_ACCESS_KEY|KAFKA_SASL_PASSWORD|SCHEMA_REGISTRY_PASSWORD|.*_API_KEY|.*_SPEECH_KEY)$/;

const failures: string[] = [];
let passed = 0;
const ok = (what: string) => {
  passed++;
  console.log(`  ok    ${what}`);
};
const fail = (what: string, why: string) => {
  failures.push(what);
  console.log(`  FAIL  ${what}\n        ${why.replace(/\n/g, '\n        ')}`);
};
const check = (what: string, problem: string | null) => (problem ? fail(what, problem) : ok(what));

/**
 * Each service's start-up, without its network connections (OIDC discovery answers with the
 * provider's usual paths: the settings are checked, not the provider).
 */
async function loadService(service: string, env: Env): Promise<string | null> {
  let cfg: DistributedConfig;
  try {
    cfg = loadDistributedConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  try {
    const auth = await resolveAuth(cfg, {
      discover: async (issuer) => ({
        issuer,
        jwksUri: `${issuer}/jwks`,
        authorizationEndpoint: `${issuer}/auth`,
        tokenEndpoint: `${issuer}/token`,
      }),
    });
    if (service === 'upload-gateway' || service === 'query') new TokenVerifier(auth.verifier);
    if (service === 'stt-worker') createSpeechToText(cfg, { workDir: cfg.WORK_DIR });
    if (service === 'analyzer') createAnalyst(cfg, { logger: createLogger({ name: 'check', level: 'silent' }) });
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

function sttWorkerRules(where: string, env: Env): void {
  check(
    `${where}: STT_CONCURRENCY is set (else each worker takes every core of its host)`,
    env.STT_CONCURRENCY ? null : 'STT_CONCURRENCY is not set',
  );
}

function hostOf(url: string): { host: string; port: string } | null {
  try {
    const u = new URL(url);
    return { host: u.hostname, port: u.port || (u.protocol === 'https:' ? '443' : '80') };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- Helm chart

function chartWorkloads(name: string, file: string): Workload[] {
  const where = `chart(${name})`;
  const docs = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => !!d && typeof d.kind === 'string');
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map((d) => [d.metadata.name, (d.data ?? {}) as Env]));
  const secrets = new Map(
    byKind('Secret').map((d) => [d.metadata.name, { ...((d.stringData ?? {}) as Env), ...decode(d.data) }]),
  );
  const services = new Map(byKind('Service').map((d) => [d.metadata.name, d]));
  const hpas = new Map(
    byKind('HorizontalPodAutoscaler').map((d) => [(d.spec?.scaleTargetRef as { name: string }).name, d]),
  );
  const pdbs = byKind('PodDisruptionBudget').map((d) => d.metadata.name);

  for (const [cm, data] of configMaps) {
    const leaked = Object.keys(data).filter((k) => SECRET_KEYS.test(k));
    check(`${where} ConfigMap ${cm} holds no credentials`, leaked.length ? `found ${leaked.join(', ')}` : null);
  }

  const out: Workload[] = [];
  for (const d of byKind('Deployment')) {
    const spec = d.spec as {
      replicas?: number;
      template: { spec: PodSpec };
    };
    const pod = spec.template.spec;
    const c = pod.containers[0] as Container;
    const env: Env = {};
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name) ?? {});
      if (from.secretRef) {
        const s = secrets.get(from.secretRef.name);
        if (!s) fail(`${where} ${d.metadata.name}: Secret ${from.secretRef.name}`, 'not rendered by the chart');
        Object.assign(env, s ?? {});
      }
    }
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    const service = env.SERVICE ?? c.name;
    const w = `${where} ${service}`;

    const hpa = hpas.get(d.metadata.name);
    check(
      `${w}: no replicas beside its autoscaler`,
      hpa && spec.replicas !== undefined
        ? `spec.replicas ${spec.replicas} resets the autoscaler on every upgrade`
        : null,
    );
    check(`${w}: has a startupProbe`, c.startupProbe ? null : 'no startupProbe: liveness may kill a starting pod');
    const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    check(
      `${w}: runs as a numeric non-root user`,
      (c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) && typeof uid === 'number' && uid > 0
        ? null
        : 'runAsNonRoot with a numeric runAsUser is not set',
    );
    check(`${w}: has a PodDisruptionBudget`, pdbs.includes(d.metadata.name) ? null : 'no PodDisruptionBudget');
    check(`${w}: has a ServiceAccount`, pod.serviceAccountName ? null : 'no serviceAccountName');

    if (APP_SERVICES.includes(service as (typeof APP_SERVICES)[number])) {
      for (const key of [
        'QUERY_URL',
        ...(service === 'stt-worker' && env.STT_PROVIDER === 'openai' ? ['OPENAI_BASE_URL'] : []),
      ]) {
        const target = env[key] ? hostOf(env[key]) : null;
        if (!target || target.host.includes('.')) continue; // outside the release
        const svc = services.get(target.host);
        const port = (svc?.spec?.ports as Array<{ port: number }> | undefined)?.some(
          (p) => String(p.port) === target.port,
        );
        check(
          `${w}: ${key} points at the Service ${target.host}:${target.port}`,
          svc && port ? null : 'no such Service/port',
        );
      }
      out.push({ where: w, service, env });
    }
  }
  return out;
}

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: unknown;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}
interface PodSpec {
  containers: Container[];
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

function decode(data: unknown): Env {
  return Object.fromEntries(
    Object.entries((data ?? {}) as Env).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

// ---------------------------------------------------------------- compose

interface ComposeService {
  image?: string;
  buildTarget?: string;
  environment: Env;
  volumes?: string[];
}

function composeWorkloads(name: string, file: string): Workload[] {
  const where = `compose(${name})`;
  const services = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ComposeService>;
  const out: Workload[] = [];
  for (const [svcName, s] of Object.entries(services)) {
    const built = s.buildTarget !== undefined;
    check(
      `${where} ${svcName}: image is pinned (${s.image ?? 'none'})`,
      built || (s.image && /:[^/]+$/.test(s.image) && !s.image.endsWith(':latest')) ? null : 'no tag or :latest',
    );
    if (svcName === 'kafka') {
      const dir = s.environment.KAFKA_LOG_DIRS;
      check(
        `${where} kafka: KAFKA_LOG_DIRS (${dir ?? 'unset'}) is on a volume`,
        dir && (s.volumes ?? []).some((v) => dir === v || dir.startsWith(`${v}/`))
          ? null
          : `the broker writes under ${dir ?? '/tmp/kraft-combined-logs'}, volumes are at ${(s.volumes ?? []).join(', ')}`,
      );
    }
    const service = s.environment.SERVICE;
    if (s.buildTarget !== 'app' || !service) continue;
    const w = `${where} ${service}`;
    for (const key of [
      'QUERY_URL',
      ...(service === 'stt-worker' && s.environment.STT_PROVIDER === 'openai' ? ['OPENAI_BASE_URL'] : []),
    ]) {
      const target = s.environment[key] ? hostOf(s.environment[key]) : null;
      if (!target || target.host.includes('.')) continue; // outside the project
      check(
        `${w}: ${key} points at the compose service ${target.host}`,
        services[target.host] ? null : 'no such service',
      );
    }
    out.push({ where: w, service, env: s.environment });
  }
  return out;
}

// ---------------------------------------------------------------- main

function args(flag: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag && argv[i + 1]) {
      const [name, file] = (argv[++i] as string).split('=', 2) as [string, string];
      out.push([name, file]);
    }
  }
  return out;
}

const workloads = [
  ...args('--chart').flatMap(([n, f]) => chartWorkloads(n, f)),
  ...args('--compose').flatMap(([n, f]) => composeWorkloads(n, f)),
];
void (async () => {
  for (const w of workloads) {
    check(`${w.where}: its config loader accepts the environment`, await loadService(w.service, w.env));
    if (w.service === 'stt-worker') sttWorkerRules(w.where, w.env);
  }
  const seen = new Set(workloads.map((w) => w.where.replace(/ .*/, '')));
  for (const source of seen) {
    const missing = APP_SERVICES.filter((s) => !workloads.some((w) => w.where === `${source} ${s}`));
    check(`${source}: runs all six services`, missing.length ? `missing ${missing.join(', ')}` : null);
  }
  console.log(`env: ${passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
})();
