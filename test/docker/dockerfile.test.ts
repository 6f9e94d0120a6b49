/**
 * The container files cannot be built here (no Docker engine in CI), so this keeps them
 * consistent with the code instead: the image runs a real ppmat command, ships every file
 * ppmat reads at run time relative to the package, copies only what exists and is not
 * left out of the build context, and its health check asks a route the server serves (the
 * check's own script is run against one). Compose's services run real commands with real
 * options, and no secret is written in the file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { healthRoutes } from '../../src/api/routes/health.routes.js';
import type { ApiDeps } from '../../src/api/api-deps.js';
import { buildProgram } from '../../src/cli/program.js';
import type { CommandIo } from '../../src/cli/scan.command.js';
import { apiSchema } from '../../src/config/config-schema.js';
import { ENV_OVERRIDES } from '../../src/config/load-config.js';
import { DASHBOARD_DIR } from '../../src/dashboard/assets.js';
import { MIGRATIONS_DIR, PACKAGE_ROOT, RULES_DIR } from '../../src/store/paths.js';

const ROOT = PACKAGE_ROOT;
const DOCKERFILE = path.join(ROOT, 'docker', 'Dockerfile');
const COMPOSE = path.join(ROOT, 'docker', 'compose.yaml');
const DOCKERIGNORE = path.join(ROOT, '.dockerignore');

/**
 * Environment variables the container files set that are not ppmat settings
 * (ENV_OVERRIDES), each with why it is there.
 */
const OTHER_PPMAT_VARIABLES: Record<string, string> = {
  PPMAT_CLIENT_SECRET: "a tenant's client secret, named in ppmat.yaml by `clientSecretEnv`",
};

/**
 * Options compose.yaml uses that ppmat does not have yet, with what is missing. A test fails
 * once an option exists, so that its entry is removed and the option is checked like the rest.
 */
const PENDING_OPTIONS: Record<string, string> = {};

// ---- a Dockerfile reader: enough for this file (no heredocs, no parser directives beyond comments) ----

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

function readDockerfile(text: string): Stage[] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*\S)\s*$/.exec(line);
    if (!match) continue;
    const op = match[1]!.toUpperCase();
    const args = match[2]!;
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ image: from[1]!, name: from[2] ?? String(stages.length), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op, args });
    }
  }
  return stages;
}

/** `COPY [--from=x] [--chown=...] src... dest`: sources and destination, unquoted. */
function copyOf(instruction: Instruction): { from: string | null; sources: string[]; dest: string } {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length) ?? null;
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** Exec form (`["a", "b"]`) only: the shell form would need a shell and mangle signals. */
function execForm(args: string): string[] {
  const value: unknown = JSON.parse(args);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`not an exec-form array: ${args}`);
  return value;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.op === 'ENV')) {
    for (const [, name, value] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) env[name!] = value!.replace(/^"|"$/g, '');
  }
  return env;
}

function last(stage: Stage, op: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.op === op).at(-1);
}

// ---- .dockerignore: literal paths and simple globs, matched like Docker (a pattern also excludes what is under it) ----

function ignorePatterns(): string[] {
  return readFileSync(DOCKERIGNORE, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function isIgnored(file: string, patterns: string[]): string | undefined {
  const normal = path.posix.normalize(file).replace(/^\.\/|\/$/g, '');
  return patterns.find((pattern) => {
    const source = pattern
      .replace(/^\/|\/$/g, '')
      .split('**')
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
      .join('.*');
    return new RegExp(`^${source}(/.*)?$`).test(normal);
  });
}

// ---- ppmat's commands, from the real program ----

const program = buildProgram({ stdout: process.stdout, stderr: process.stderr, env: {}, cwd: ROOT, signal: new AbortController().signal } as CommandIo, () => undefined);

/**
 * What `ppmat <argv>` would refuse: a command not registered in src/cli/program.ts, or each
 * option the command does not have (as `command --option`).
 */
function unknownArguments(argv: string[]): string[] {
  let command = program;
  let rest = argv;
  while (rest.length > 0 && !rest[0]!.startsWith('-')) {
    const sub = command.commands.find((c) => c.name() === rest[0] || c.aliases().includes(rest[0]!));
    if (!sub) {
      if (command === program) return [`no command \`${rest[0]}\` is registered in src/cli/program.ts`];
      break;
    }
    command = sub;
    rest = rest.slice(1);
  }
  const known = new Set([...command.options, ...program.options].flatMap((o) => [o.long, o.short]).filter(Boolean));
  return rest.filter((word) => word.startsWith('-')).map((word) => word.split('=')[0]!).filter((flag) => !known.has(flag)).map((flag) => `${command.name()} ${flag}`);
}

const dockerfile = readDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const runtime = dockerfile.at(-1)!;
const workdir = (stage: Stage) => last(stage, 'WORKDIR')?.args ?? '/';

describe('docker/Dockerfile', () => {
  const patterns = ignorePatterns();

  it('builds and runs on one Node LTS image that package.json supports', () => {
    const images = new Set(dockerfile.map((s) => s.image));
    expect(images.size, 'the build and runtime stages use one image (dependencies are installed where they run)').toBe(1);
    const [image] = images;
    const major = Number(/^node:(\d+)-/.exec(image!)?.[1]);
    expect(major % 2, `${image}: an even major is an LTS line`).toBe(0);
    const minimum = Number(/>=\s*(\d+)/.exec(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node)![1]);
    expect(major).toBeGreaterThanOrEqual(minimum);
  });

  it('the build stage installs, generates the Prisma client, compiles and drops the dev dependencies', () => {
    const build = dockerfile[0]!;
    const runs = build.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    expect(runs).toMatch(/npm prune --omit=dev\b/);
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    // npm ci runs the postinstall, which needs its script and the schema copied before it.
    const postinstall = /node (\S+)/.exec(scripts.postinstall!)![1]!;
    const copiedBeforeCi = build.instructions
      .slice(0, build.instructions.findIndex((i) => i.op === 'RUN' && /npm ci\b/.test(i.args)))
      .filter((i) => i.op === 'COPY')
      .flatMap((i) => copyOf(i).sources);
    expect(copiedBeforeCi).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', postinstall, 'prisma/schema.prisma']));
    // The prisma-client generator picks its import extension from tsconfig.json: without it,
    // `./enums.ts`, which tsc copies into dist/ unchanged and node cannot load.
    expect(copiedBeforeCi, 'tsconfig.json is there when the Prisma client is generated').toContain('tsconfig.json');
    expect(readFileSync(path.join(ROOT, postinstall), 'utf8')).toContain("'prisma/schema.prisma'");
  });

  it('every file it copies from the repository exists and is not left out of the build context', () => {
    const copies = dockerfile.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY').map(copyOf)).filter((c) => c.from === null);
    expect(copies.length).toBeGreaterThan(0);
    for (const source of copies.flatMap((c) => c.sources)) {
      expect(existsSync(path.join(ROOT, source)), `${source} exists in the repository`).toBe(true);
      expect(isIgnored(source, patterns), `${source} is left out by .dockerignore`).toBeUndefined();
    }
  });

  it('what the runtime stage takes from the build stage is copied into it or made by it', () => {
    const build = dockerfile[0]!;
    const buildDir = workdir(build);
    const copiedIn = build.instructions.filter((i) => i.op === 'COPY').flatMap((i) => {
      const { sources, dest } = copyOf(i);
      return sources.map((source) => (dest.endsWith('/') || dest === './' ? path.posix.join(buildDir, dest, path.posix.basename(source)) : path.posix.join(buildDir, dest)));
    });
    const outDir = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')).compilerOptions.outDir as string;
    const made = [path.posix.join(buildDir, 'node_modules'), path.posix.join(buildDir, outDir)];
    const taken = runtime.instructions.filter((i) => i.op === 'COPY').map(copyOf).filter((c) => c.from === build.name);
    expect(taken.length).toBeGreaterThan(0);
    for (const source of taken.flatMap((c) => c.sources)) {
      expect([...copiedIn, ...made], `${source} is in the ${build.name} stage`).toContain(source);
    }
  });

  it('the runtime stage holds every file ppmat reads relative to its package', () => {
    const dir = workdir(runtime);
    const destinations = runtime.instructions.filter((i) => i.op === 'COPY').map((i) => path.posix.resolve(dir, copyOf(i).dest));
    const compiledEntry = /\.\.\/(dist\/main\.js)/.exec(readFileSync(path.join(ROOT, 'bin', 'ppmat.js'), 'utf8'))![1]!;
    const needed = [
      'bin/ppmat.js',
      compiledEntry,
      'package.json',
      'node_modules',
      path.relative(PACKAGE_ROOT, RULES_DIR),
      path.relative(PACKAGE_ROOT, MIGRATIONS_DIR),
      path.relative(PACKAGE_ROOT, DASHBOARD_DIR),
    ].map((p) => path.posix.join(dir, p.split(path.sep).join('/')));
    for (const file of needed) {
      expect(destinations.some((d) => file === d || file.startsWith(`${d}/`)), `${file} is copied into the image`).toBe(true);
    }
  });

  it('runs `ppmat start` as an unprivileged user, listening on all interfaces of the container', () => {
    expect(execForm(last(runtime, 'ENTRYPOINT')!.args)).toEqual(['node', 'bin/ppmat.js']);
    const cmd = execForm(last(runtime, 'CMD')!.args);
    expect(cmd).toEqual(['start']);
    expect(unknownArguments(cmd)).toEqual([]);
    expect(last(runtime, 'USER')?.args).toMatch(/^(?!root$|0$)\S+$/);
    const env = envOf(runtime);
    expect(env).toMatchObject({ NODE_ENV: 'production', PPMAT_API_HOST: '0.0.0.0', PPMAT_LOG_FORMAT: 'json' });
    expect(last(runtime, 'EXPOSE')?.args).toBe(String(apiSchema.parse({}).port));
  });

  it('sets only environment variables that ppmat reads', () => {
    for (const name of Object.keys(envOf(runtime)).filter((n) => n.startsWith('PPMAT_'))) {
      expect(Object.keys(ENV_OVERRIDES), `${name} is a ppmat setting`).toContain(name);
    }
  });

  it('keeps the embedded database and its lock file on the volume', () => {
    const volumes = execForm(last(runtime, 'VOLUME')!.args);
    const dataDir = envOf(runtime).PPMAT_DATA_DIR!;
    expect(dataDir).toBeDefined();
    // The lock file is `<dataDir>.lock` (src/store/data-dir-lock.ts), beside the folder: its parent must be the volume.
    expect(volumes, `${dataDir}'s parent is a volume`).toContain(path.posix.dirname(dataDir));
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = last(runtime, 'HEALTHCHECK')!;
    const argv = execForm(/\bCMD\s+(\[.*\])$/.exec(healthcheck.args)![1]!);
    const script = argv[2]!;
    let server: ReturnType<typeof Fastify>;
    let port: number;

    beforeAll(async () => {
      server = Fastify();
      server.setValidatorCompiler(validatorCompiler);
      server.setSerializerCompiler(serializerCompiler);
      await server.register(healthRoutes({} as ApiDeps));
      await server.listen({ host: '127.0.0.1', port: 0 });
      port = (server.server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await server.close();
    });

    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });

    it('is node itself (slim images have no curl), asking a route the server serves', async () => {
      expect(argv.slice(0, 2)).toEqual(['node', '-e']);
      const route = /'(\/[a-z]+)'/.exec(script)?.[1];
      expect(route).toBe('/healthz');
      expect(script).toContain(`|| ${apiSchema.parse({}).port})`);
      const answer = await server.inject({ method: 'GET', url: route! });
      expect(answer.statusCode).toBe(200);
    });

    it('passes when the server answers, fails when nothing listens', async () => {
      expect(await run({ PPMAT_API_PORT: String(port) })).toBe(0);
      const closed = Fastify();
      await closed.listen({ host: '127.0.0.1', port: 0 });
      const closedPort = (closed.server.address() as { port: number }).port;
      await closed.close();
      expect(await run({ PPMAT_API_PORT: String(closedPort) })).toBe(1);
    });
  });
});

describe('.dockerignore', () => {
  it('is at the repository root (Docker reads it from the context, not beside docker/Dockerfile) and leaves out local state', () => {
    const patterns = ignorePatterns();
    for (const entry of ['.git', 'node_modules', 'dist', '.ppmat', 'scratch', 'test/artifacts', 'bench/results']) {
      expect(isIgnored(entry, patterns), entry).toBeDefined();
    }
    expect(patterns.some((p) => p.startsWith('!')), 'no exceptions (this test does not read them)').toBe(false);
  });
});

describe('docker/compose.yaml', () => {
  interface Service {
    build?: { context: string; dockerfile: string };
    image?: string;
    entrypoint?: string[];
    command?: string[];
    working_dir?: string;
    environment?: Record<string, string>;
    volumes?: string[];
    ports?: string[];
    depends_on?: Record<string, { condition: string }>;
    deploy?: { replicas?: string | number };
    profiles?: string[];
    healthcheck?: { test?: string[]; disable?: boolean };
  }
  const compose = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  const services = compose.services;
  const ppmatServices = Object.entries(services).filter(([, s]) => s.build !== undefined);
  const imageEntrypoint = execForm(last(runtime, 'ENTRYPOINT')!.args);

  it('has postgres, ppmat, worker and the demo simulator', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'ppmat', 'simulator', 'worker']);
    expect(ppmatServices.map(([name]) => name).sort()).toEqual(['ppmat', 'simulator', 'worker']);
  });

  it('builds ppmat from docker/Dockerfile with the repository as context', () => {
    for (const [name, service] of ppmatServices) {
      expect(path.resolve(path.dirname(COMPOSE), service.build!.context), name).toBe(ROOT);
      expect(path.resolve(ROOT, service.build!.dockerfile), name).toBe(DOCKERFILE);
    }
  });

  it.each(['ppmat', 'worker', 'simulator'])('%s runs a ppmat command with options it has', (name) => {
    const service = services[name]!;
    const entrypoint = service.entrypoint ?? imageEntrypoint;
    // An override may only make the script's path absolute (the working directory moves).
    expect(entrypoint.map((word) => word.replace(`${workdir(runtime)}/`, ''))).toEqual(imageEntrypoint);
    const command = service.command ?? execForm(last(runtime, 'CMD')!.args);
    expect(unknownArguments(command).filter((unknown) => !(unknown in PENDING_OPTIONS))).toEqual([]);
  });

  it.each(Object.entries(PENDING_OPTIONS))('`%s` is still missing (%s); remove it from PENDING_OPTIONS once it exists', (pending) => {
    const commands = Object.values(services).map((s) => s.command ?? []);
    expect(commands.some((command) => unknownArguments(command).includes(pending))).toBe(true);
  });

  it('ppmat: the scheduler and API on loopback port 8080, after PostgreSQL is healthy', () => {
    const ppmat = services.ppmat!;
    expect(ppmat.command).toEqual(['start']);
    expect(ppmat.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(ppmat.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(ppmat.healthcheck?.disable, 'the image health check applies').not.toBe(true);
  });

  it('worker: `worker --concurrency 2`, PPMAT_WORKERS replicas, the same database and configuration', () => {
    const { worker, ppmat } = services as Record<string, Service>;
    expect(worker!.command).toEqual(['worker', '--concurrency', '2']);
    expect(worker!.deploy?.replicas).toBe('${PPMAT_WORKERS:-2}');
    expect(worker!.environment).toEqual(ppmat!.environment);
    expect(worker!.volumes).toEqual(ppmat!.volumes);
    expect(worker!.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
  });

  it('ppmat.yaml comes from a read-only folder that is the working directory', () => {
    for (const name of ['ppmat', 'worker']) {
      const service = services[name]!;
      expect(service.volumes, name).toContain(`./config:${service.working_dir}:ro`);
    }
  });

  it('postgres: postgres:16, a named volume, ready when pg_isready says so', () => {
    const postgres = services.postgres!;
    expect(postgres.image).toBe('postgres:16');
    const [volume] = (postgres.volumes ?? [])[0]!.split(':');
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect(postgres.healthcheck?.test?.join(' ')).toMatch(/^CMD(-SHELL)? pg_isready\b/);
  });

  it('the simulator runs only under the demo profile', () => {
    expect(services.simulator!.profiles).toEqual(['demo']);
  });

  it('writes no secret: passwords come from the environment', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const password = /^postgres(ql)?:\/\/[^:/@]+:([^@]*)@/.exec(value)?.[2];
        if (password !== undefined) expect(password, `${name}.${key}`).toMatch(/^\$\{[A-Z_]+[:?-]/);
        if (/PASSWORD|SECRET|TOKEN/.test(key)) expect(value, `${name}.${key}`).toMatch(/^\$\{[A-Z_]+[:?-]/);
      }
    }
  });

  it('sets only environment variables that ppmat reads', () => {
    for (const [name, service] of ppmatServices) {
      for (const key of Object.keys(service.environment ?? {}).filter((k) => k.startsWith('PPMAT_'))) {
        expect([...Object.keys(ENV_OVERRIDES), ...Object.keys(OTHER_PPMAT_VARIABLES)], `${name}.${key}`).toContain(key);
      }
    }
  });
});
