/**
 * Static checks of deploy/: nothing here needs a Docker engine or a cluster, and nothing is
 * skipped. XML and YAML are read with npm parsers (fast-xml-parser, yaml); the checks that
 * only the real tool can make run the system tools `npm test` installs first
 * (tests/setup/system-packages.js): docker-compose v1 (compose's own schema, anchors and
 * merges), haproxy -c and systemd-analyze verify. Each check is also shown to fail on a
 * deliberately broken copy, so a pass means it looked.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '../../..');
const DEPLOY = path.join(ROOT, 'deploy');
const CLUSTER = path.join(DEPLOY, 'cluster');
const K8S = path.join(DEPLOY, 'k8s');
const COMPOSE_FILES = [path.join(DEPLOY, 'docker-compose.yml'), path.join(CLUSTER, 'docker-compose.yml')];

interface Run {
  status: number | null;
  out: string;
}

/** haproxy lives in /usr/sbin, which a non-login PATH may lack. */
const PATH = [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(':');

function run(cmd: string, args: string[], cwd = ROOT): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH } });
  if (r.error) throw new Error(`${cmd} could not run (npm test's pretest, tests/setup/system-packages.js, installs it): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-deploy-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A copy of `file` in the temp dir with `edit` applied; throws if the edit changed nothing. */
function brokenCopy(file: string, name: string, edit: (text: string) => string): string {
  const text = fs.readFileSync(file, 'utf8');
  const broken = edit(text);
  if (broken === text) throw new Error(`the edit for ${name} did not apply to ${file}`);
  const dir = fs.mkdtempSync(path.join(tmp, 'broken-'));
  const out = path.join(dir, name);
  fs.writeFileSync(out, broken);
  return out;
}

function filesUnder(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f))
    .sort();
}

// ---------------------------------------------------------------------------------------
describe('docker-compose files', () => {
  interface Service {
    image?: string;
    build?: unknown;
    command?: string[];
    environment?: Record<string, string>;
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
    volumes?: string[];
  }
  /** `docker-compose config`: the file as compose resolved it (anchors, merges, variables). */
  const resolved = (file: string): { services: Record<string, Service> } => {
    const r = run('docker-compose', ['-f', file, 'config']);
    expect(r.status).toBe(0);
    return parse(r.out) as { services: Record<string, Service> };
  };

  test.each(COMPOSE_FILES.map((f) => [path.relative(ROOT, f)]))('%s validates with docker-compose config -q', (file) => {
    const r = run('docker-compose', ['-f', file, 'config', '-q']);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  test('docker-compose config -q refuses a broken copy (so it does validate without an engine)', () => {
    const cluster = path.join(CLUSTER, 'docker-compose.yml');
    for (const [name, edit] of [
      ['bad-condition.yml', (t: string) => t.replace('condition: service_healthy', 'condition: service_happy')],
      ['unknown-key.yml', (t: string) => t.replace('\n  collector-2:\n', '\n  collector-2:\n    bogus_key: 1\n')],
    ] as const) {
      const r = run('docker-compose', ['--project-directory', CLUSTER, '-f', brokenCopy(cluster, name, edit), 'config', '-q']);
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/invalid|Unsupported/);
    }
  });

  test('every service something waits on for health has a health check', () => {
    for (const file of COMPOSE_FILES) {
      const { services } = resolved(file);
      for (const [name, svc] of Object.entries(services)) {
        for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
          expect(services[dep]).toBeDefined();
          if (condition === 'service_healthy') expect([name, dep, services[dep]?.healthcheck?.test.length]).toEqual([name, dep, expect.any(Number)]);
        }
      }
    }
  });

  test('cluster: 3 Keepers, 2 x 2 ClickHouse nodes, 2 collectors behind the balancer, 1 viewer', () => {
    const { services } = resolved(path.join(CLUSTER, 'docker-compose.yml'));
    const byImage = (prefix: string) =>
      Object.keys(services)
        .filter((s) => services[s]?.image?.startsWith(prefix))
        .sort();
    expect(byImage('clickhouse/clickhouse-keeper')).toEqual(['keeper-1', 'keeper-2', 'keeper-3']);
    expect(byImage('clickhouse/clickhouse-server')).toEqual(['ch-s1r1', 'ch-s1r2', 'ch-s2r1', 'ch-s2r2']);
    const hindsight = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(hindsight.map(([n, s]) => [n, s.command?.[0]]).sort()).toEqual([
      ['collector-1', 'collector'],
      ['collector-2', 'collector'],
      ['viewer', 'viewer'],
    ]);
    for (const [name, s] of hindsight) {
      // Containers must listen beyond loopback, and every process applies the same cluster schema.
      expect([name, s.command?.join(' ')]).toEqual([name, expect.stringContaining('--host 0.0.0.0')]);
      expect([name, s.environment?.HINDSIGHT_CLICKHOUSE_CLUSTER]).toEqual([name, 'hindsight']);
      expect([name, s.environment?.HINDSIGHT_CLICKHOUSE_URL]).toEqual([name, expect.stringMatching(/^http:\/\/ch-s[12]r[12]:8123$/)]);
    }
    // The dependency-edge job runs in exactly one process (viewers never run it).
    const edgeRunners = hindsight.filter(([, s]) => s.command?.[0] !== 'viewer' && !s.command?.join(' ').includes('--dependency-interval-ms 0'));
    expect(edgeRunners.map(([n]) => n)).toEqual(['collector-1']);
    // Each ClickHouse node mounts the cluster config and its own macros file.
    for (const node of byImage('clickhouse/clickhouse-server')) {
      expect(services[node]?.volumes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/clickhouse\/cluster\.xml:\/etc\/clickhouse-server\/config\.d\/cluster\.xml:ro$/),
          expect.stringMatching(new RegExp(`clickhouse/macros/${node}\\.xml:/etc/clickhouse-server/config\\.d/macros\\.xml:ro$`)),
        ]),
      );
    }
    for (const keeper of byImage('clickhouse/clickhouse-keeper')) {
      expect(services[keeper]?.environment?.KEEPER_SERVER_ID).toBe(keeper.replace('keeper-', ''));
    }
    expect(services['otlp-lb']?.depends_on).toEqual({ 'collector-1': { condition: 'service_healthy' }, 'collector-2': { condition: 'service_healthy' } });
  });
});

// ---------------------------------------------------------------------------------------
describe('ClickHouse and Keeper XML', () => {
  const xmlFiles = filesUnder(DEPLOY, '.xml');
  /** Elements that may repeat are always arrays; text stays text ("1", "true"), attributes keep an @_ prefix. */
  const REPEATED = new Set([
    'clickhouse.remote_servers.hindsight.shard',
    'clickhouse.remote_servers.hindsight.shard.replica',
    'clickhouse.zookeeper.node',
    'clickhouse.keeper_server.raft_configuration.server',
  ]);
  const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (_name, jpath) => REPEATED.has(String(jpath)) });
  // The parsed documents are walked by path, as the files are laid out.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const read = (file: string): any => parser.parse(fs.readFileSync(file, 'utf8'));

  test('there are config files to check', () => {
    expect(xmlFiles.map((f) => path.relative(DEPLOY, f))).toEqual([
      'cluster/clickhouse/cluster.xml',
      'cluster/clickhouse/macros/ch-s1r1.xml',
      'cluster/clickhouse/macros/ch-s1r2.xml',
      'cluster/clickhouse/macros/ch-s2r1.xml',
      'cluster/clickhouse/macros/ch-s2r2.xml',
      'cluster/keeper/keeper_config.xml',
    ]);
  });

  test.each(xmlFiles.map((f) => [path.relative(ROOT, f)]))('%s is well-formed', (file) => {
    expect(XMLValidator.validate(fs.readFileSync(path.join(ROOT, file), 'utf8'))).toBe(true);
  });

  test('the well-formedness check refuses a broken copy', () => {
    const broken = brokenCopy(path.join(CLUSTER, 'clickhouse/cluster.xml'), 'cluster.xml', (t) => t.replace('</zookeeper>', '</zookeepr>'));
    const result = XMLValidator.validate(fs.readFileSync(broken, 'utf8'));
    expect(result).toEqual({ err: expect.objectContaining({ code: 'InvalidTag', msg: expect.stringContaining("'zookeepr'") }) });
  });

  test('remote_servers has cluster hindsight, 2 shards x 2 replicas, internal replication', () => {
    const { clickhouse } = read(path.join(CLUSTER, 'clickhouse/cluster.xml'));
    const shards: { internal_replication: string; replica: { host: string }[] }[] = clickhouse.remote_servers.hindsight.shard;
    expect(shards.map((s) => s.internal_replication)).toEqual(['true', 'true']);
    expect(shards.map((s) => s.replica.map((r) => r.host).join(' '))).toEqual(['ch-s1r1 ch-s1r2', 'ch-s2r1 ch-s2r2']);
    expect(clickhouse.zookeeper.node).toHaveLength(3);
  });

  test('each node has {shard} and {replica} macros matching its place in remote_servers', () => {
    for (const node of ['ch-s1r1', 'ch-s1r2', 'ch-s2r1', 'ch-s2r2']) {
      const { macros } = read(path.join(CLUSTER, `clickhouse/macros/${node}.xml`)).clickhouse;
      expect([macros.shard, macros.replica]).toEqual([node.charAt(4), node]);
    }
  });

  test('keeper: 3 raft servers with ids 1..3 and a readiness endpoint', () => {
    const keeper = read(path.join(CLUSTER, 'keeper/keeper_config.xml')).clickhouse.keeper_server;
    const servers: { id: string; hostname: string }[] = keeper.raft_configuration.server;
    expect(servers.map((s) => [s.id, s.hostname])).toEqual([
      ['1', 'keeper-1'],
      ['2', 'keeper-2'],
      ['3', 'keeper-3'],
    ]);
    expect(keeper.server_id['@_from_env']).toBe('KEEPER_SERVER_ID');
    expect(keeper.http_control.readiness.endpoint).toBe('/ready');
  });
});

// ---------------------------------------------------------------------------------------
describe('HAProxy', () => {
  const cfg = path.join(CLUSTER, 'haproxy.cfg');

  test('haproxy -c accepts the balancer config', () => {
    const r = run('haproxy', ['-c', '-f', cfg]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Configuration file is valid');
  });

  test('haproxy -c refuses a broken copy', () => {
    const r = run('haproxy', ['-c', '-f', brokenCopy(cfg, 'haproxy.cfg', (t) => t.replace('balance roundrobin', 'balance sideways'))]);
    expect(r.status).not.toBe(0);
  });

  test('both collectors are in both OTLP backends, gRPC over h2, health from /readyz', () => {
    const text = fs.readFileSync(cfg, 'utf8');
    for (const c of ['collector-1', 'collector-2']) {
      expect(text).toMatch(new RegExp(`server ${c} ${c}:4318 check`));
      expect(text).toMatch(new RegExp(`server ${c} ${c}:4317 proto h2 check port 4318`));
    }
    expect(text).toMatch(/bind :4317 proto h2/);
    expect(text.match(/option httpchk GET \/readyz/g)).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------
describe('systemd unit', () => {
  const unit = path.join(DEPLOY, 'hindsight.service');
  /** The unit with its ExecStart pointed at this machine's node, verified in a temp dir. */
  const verify = (text: string): Run => {
    const dir = fs.mkdtempSync(path.join(tmp, 'unit-'));
    const file = path.join(dir, 'hindsight.service');
    fs.writeFileSync(file, text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
    return run('systemd-analyze', ['verify', file], dir);
  };
  const text = fs.readFileSync(unit, 'utf8');

  test('systemd-analyze verify passes with nothing to say', () => {
    expect(verify(text)).toEqual({ status: 0, out: '' });
  });

  test.each([
    ['an unknown signal', (t: string) => t.replace('KillSignal=SIGTERM', 'KillSignal=SIGNOPE'), /signal/],
    ['a misspelt directive', (t: string) => t.replace('Restart=on-failure', 'Restrat=on-failure'), /Unknown key/],
    ['a missing binary', (t: string) => t.replace('ExecStart=/usr/bin/node ', 'ExecStart=/nonexistent/node '), /not executable/],
  ])('systemd-analyze verify catches %s', (_what, edit, message) => {
    const broken = edit(text);
    expect(broken).not.toBe(text);
    const r = verify(broken);
    expect(r.status !== 0 || r.out !== '').toBe(true);
    expect(r.out).toMatch(message);
  });

  test('embedded serve on /var/lib/hindsight as a dedicated user, hardened, stops with SIGTERM', () => {
    const directive = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    expect(directive('ExecStart')).toEqual(['/usr/bin/node /opt/hindsight/dist/cmd/main.js serve --data-dir /var/lib/hindsight']);
    expect(directive('User')).toEqual(['hindsight']);
    expect(directive('StateDirectory')).toEqual(['hindsight']);
    expect(directive('WorkingDirectory')).toEqual(['/var/lib/hindsight']);
    expect(directive('ReadWritePaths')).toEqual(['/var/lib/hindsight']);
    expect(directive('Restart')).toEqual(['on-failure']);
    expect(directive('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(directive('TimeoutStopSec')[0])).toBeGreaterThanOrEqual(30);
    expect(directive('NoNewPrivileges')).toEqual(['yes']);
    expect(directive('ProtectSystem')).toEqual(['strict']);
    // V8 needs W+X pages: this one would stop node from starting at all.
    expect(directive('MemoryDenyWriteExecute')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
describe('Kubernetes manifests', () => {
  interface Obj {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    // Manifests of every kind, read from YAML: the tests walk their specs by path.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    spec?: any;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
    resources?: string[];
  }
  const files = filesUnder(K8S, '.yaml');
  const docs: { file: string; obj: Obj }[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const obj = doc.toJS() as Obj | null;
      if (obj !== null) docs.push({ file: path.basename(file), obj });
    }
  }
  const objects = docs.filter((d) => d.obj.kind !== 'Kustomization').map((d) => d.obj);
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = ofKind('Deployment');
  const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

  test('every YAML document parses (no duplicate keys, no syntax errors)', () => {
    expect(files.map((f) => path.basename(f))).toEqual(['collector.yaml', 'config.yaml', 'edges.yaml', 'kustomization.yaml', 'namespace.yaml', 'viewer.yaml']);
    expect(docs.length).toBeGreaterThanOrEqual(10);
  });

  test('every object has apiVersion, kind, metadata.name and the hindsight namespace', () => {
    for (const { file, obj } of docs.filter((d) => d.obj.kind !== 'Kustomization')) {
      expect([file, typeof obj.apiVersion, typeof obj.kind, typeof obj.metadata?.name]).toEqual([file, 'string', 'string', 'string']);
      if (obj.kind !== 'Namespace') expect([file, obj.kind, obj.metadata?.namespace]).toEqual([file, obj.kind, 'hindsight']);
    }
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ConfigMap/hindsight-config',
      'Deployment/hindsight-collector',
      'Deployment/hindsight-edges',
      'Deployment/hindsight-viewer',
      'Namespace/hindsight',
      'PodDisruptionBudget/hindsight-collector',
      'Secret/hindsight-clickhouse',
      'Service/hindsight-collector',
      'Service/hindsight-collector-headless',
      'Service/hindsight-viewer',
    ]);
  });

  test('kustomization.yaml lists every other manifest file', () => {
    const k = docs.find((d) => d.obj.kind === 'Kustomization')?.obj;
    expect(k?.resources?.slice().sort()).toEqual(files.map((f) => path.basename(f)).filter((f) => f !== 'kustomization.yaml'));
  });

  /** A container port, by number or by name, as the number it is. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a container of a parsed manifest
  const portNumber = (container: any, port: number | string): number | undefined =>
    typeof port === 'number' ? port : (container.ports ?? []).find((p: { name: string }) => p.name === port)?.containerPort;

  test.each([
    ['hindsight-collector', 'collector', 4318],
    ['hindsight-edges', 'collector', 4318],
    ['hindsight-viewer', 'viewer', 16686],
  ])('%s runs `hindsight %s`, readiness /readyz and liveness /healthz on %d, with requests and limits', (name, mode, port) => {
    const d = deployments.find((o) => o.metadata?.name === name);
    const pod = d?.spec.template.spec;
    const [c] = pod.containers;
    expect(c.args[0]).toBe(mode);
    expect(c.args.join(' ')).toContain('--host 0.0.0.0');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(portNumber(c, c.readinessProbe.httpGet.port)).toBe(port);
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(portNumber(c, c.livenessProbe.httpGet.port)).toBe(port);
    if (c.startupProbe) {
      expect(c.startupProbe.httpGet.path).toBe('/healthz');
      expect(portNumber(c, c.startupProbe.httpGet.port)).toBe(port);
    }
    for (const kind of ['requests', 'limits']) {
      expect(c.resources[kind]).toEqual({ cpu: expect.anything(), memory: expect.stringMatching(/^\d+(Mi|Gi)$/) });
    }
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(matches(d?.spec.selector.matchLabels, d?.spec.template.metadata.labels)).toBe(true);
    expect(d?.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));
  });

  test('two collector replicas, not running the edge job; exactly one edge-job process, never two during a rollout', () => {
    const env = (d: Obj | undefined, key: string) => d?.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === key)?.value;
    const collector = deployments.find((o) => o.metadata?.name === 'hindsight-collector');
    expect(collector?.spec.replicas).toBe(2);
    const runners = deployments.filter((d) => d.spec.template.spec.containers[0].args[0] !== 'viewer' && env(d, 'HINDSIGHT_DEPENDENCY_INTERVAL_MS') !== '0');
    expect(runners.map((d) => [d.metadata?.name, d.spec.replicas, d.spec.strategy.type])).toEqual([['hindsight-edges', 1, 'Recreate']]);
  });

  test('every ConfigMap and Secret reference resolves to a key the manifests define', () => {
    const configMaps = new Map(ofKind('ConfigMap').map((o) => [o.metadata?.name, o.data ?? {}]));
    const secrets = new Map(ofKind('Secret').map((o) => [o.metadata?.name, { ...(o.data ?? {}), ...(o.stringData ?? {}) }]));
    expect(configMaps.get('hindsight-config')).toMatchObject({ HINDSIGHT_CLICKHOUSE_URL: expect.stringMatching(/^https?:\/\//), HINDSIGHT_CLICKHOUSE_CLUSTER: 'hindsight' });
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      for (const from of c.envFrom ?? []) expect(configMaps.has(from.configMapRef.name)).toBe(true);
      const password = c.env.find((e: { name: string }) => e.name === 'HINDSIGHT_CLICKHOUSE_PASSWORD');
      const ref = password.valueFrom.secretKeyRef;
      expect(secrets.get(ref.name)).toHaveProperty(ref.key);
    }
  });

  test('Services and the PodDisruptionBudget select pods that have the ports they target', () => {
    for (const svc of ofKind('Service')) {
      const targets = deployments.filter((d) => matches(svc.spec.selector, d.spec.template.metadata.labels));
      expect([svc.metadata?.name, targets.length]).toEqual([svc.metadata?.name, 1]);
      const c = targets[0]?.spec.template.spec.containers[0];
      for (const p of svc.spec.ports) expect([svc.metadata?.name, p.port, portNumber(c, p.targetPort)]).toEqual([svc.metadata?.name, p.port, p.port]);
    }
    const collectorPorts = ofKind('Service')
      .find((s) => s.metadata?.name === 'hindsight-collector')
      ?.spec.ports.map((p: { port: number }) => p.port);
    expect(collectorPorts).toEqual([4317, 4318]);
    const [pdb] = ofKind('PodDisruptionBudget');
    const covered = deployments.filter((d) => matches(pdb?.spec.selector.matchLabels, d.spec.template.metadata.labels));
    expect(covered.map((d) => d.metadata?.name)).toEqual(['hindsight-collector']);
    expect(pdb?.spec.minAvailable).toBeLessThan(covered[0]?.spec.replicas);
  });
});

// ---------------------------------------------------------------------------------------
describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
  /** Instructions, with continuation lines joined and comments dropped. */
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
  const stages: { from: string; body: { op: string; args: string }[] }[] = [];
  for (const i of instructions) {
    if (i.op === 'FROM') stages.push({ from: i.args, body: [] });
    else stages.at(-1)?.body.push(i);
  }
  const [build, runtime] = [stages[0], stages.at(-1)];
  const argsOf = (stage: typeof build, op: string) => (stage?.body ?? []).filter((i) => i.op === op).map((i) => i.args);

  test('two stages: a build with dev dependencies, a node:20-bookworm-slim runtime', () => {
    expect(stages).toHaveLength(2);
    expect(runtime?.from).toMatch(/^node:20-bookworm-slim\b/);
    const buildRuns = argsOf(build, 'RUN').join(' && ');
    expect(buildRuns).toContain('npm install');
    expect(buildRuns).not.toMatch(/npm ci\b/);
    expect(buildRuns).toContain('npm run build');
    expect(buildRuns).toContain('npm prune --omit=dev');
  });

  test('the runtime gets production node_modules, dist/ (server and built viewer) and proto/', () => {
    const copies = argsOf(runtime, 'COPY');
    for (const what of ['node_modules', 'dist', 'proto']) expect(copies).toContainEqual(expect.stringMatching(new RegExp(`^--from=build \\S+/${what} \\./${what}$`)));
    // `npm run build` writes tsc's output and the viewer's Vite build under dist/.
    expect(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).toMatch(/"outDir":\s*"dist"/);
    expect(fs.readFileSync(path.join(ROOT, 'viewer/ui/vite.config.mjs'), 'utf8')).toContain("'../../dist/ui'");
  });

  test('a non-root USER in the runtime stage', () => {
    const users = argsOf(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
  });

  test('a HEALTHCHECK with node against /healthz, and the hindsight CLI as ENTRYPOINT', () => {
    const [healthcheck] = argsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck).toContain('CMD ["node", "/app/deploy/healthcheck.js"]');
    expect(fs.readFileSync(path.join(DEPLOY, 'healthcheck.js'), 'utf8')).toMatch(/fetch\(`http:\/\/127\.0\.0\.1:\$\{port\}\/healthz`/);
    expect(argsOf(runtime, 'ENTRYPOINT')).toEqual(['["node", "/app/dist/cmd/main.js"]']);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: { hindsight: string } };
    expect(pkg.bin.hindsight).toBe('dist/cmd/main.js');
    expect(argsOf(runtime, 'CMD')).toEqual(['["serve"]']);
  });

  test('every path copied from the build context exists and is not excluded by the .dockerignore', () => {
    const ignore = fs.readFileSync(path.join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8');
    const included = ignore
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    const sources = stages.flatMap((s) => s.body.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)));
    expect(sources.length).toBeGreaterThan(5);
    for (const src of sources) {
      expect([src, fs.existsSync(path.join(ROOT, src))]).toEqual([src, true]);
      expect([src, included.includes(src)]).toEqual([src, true]);
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('deploy/healthcheck.js (the image health check), run for real', () => {
  const script = path.join(DEPLOY, 'healthcheck.js');
  const exec = promisify(execFile);
  const check = async (env: Record<string, string>): Promise<number> => {
    try {
      await exec(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 });
      return 0;
    } catch (err) {
      return (err as { code?: number }).code ?? -1;
    }
  };
  const serve = async (status: number): Promise<{ port: number; paths: string[]; close: () => Promise<void> }> => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, paths, close: () => new Promise((r) => server.close(() => r())) };
  };
  /** A port nothing listens on. */
  const closedPort = async (): Promise<number> => {
    const s = await serve(200);
    await s.close();
    return s.port;
  };

  test('healthy on 200 from /healthz, unhealthy on 503 or nothing listening', async () => {
    const ok = await serve(200);
    const sick = await serve(503);
    const none = await closedPort();
    try {
      expect(await check({ HINDSIGHT_HEALTH_PORT: String(ok.port) })).toBe(0);
      expect(ok.paths).toEqual(['/healthz']);
      expect(await check({ HINDSIGHT_HEALTH_PORT: String(sick.port) })).toBe(1);
      expect(await check({ HINDSIGHT_HEALTH_PORT: String(none) })).toBe(1);
      // No explicit port: the UI port first (serve, viewer), then OTLP/HTTP (collector).
      expect(await check({ HINDSIGHT_UI_PORT: String(none), HINDSIGHT_OTLP_HTTP_PORT: String(ok.port) })).toBe(0);
      expect(await check({ HINDSIGHT_UI_PORT: String(none), HINDSIGHT_OTLP_HTTP_PORT: String(none) })).toBe(1);
    } finally {
      await ok.close();
      await sick.close();
    }
  });
});
