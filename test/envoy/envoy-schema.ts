import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFileRegistry, type FileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPS = join(ROOT, 'node_modules/@grpc/grpc-js-xds/deps');
const BUF = join(ROOT, 'node_modules/.bin/buf');
const MODULES = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'];

/**
 * A registry of Envoy's official v3 API, compiled with buf from the protos `@grpc/grpc-js-xds`
 * ships, so configuration can be parsed exactly as Envoy's schema says: an unknown field or an
 * unknown `@type` fails. Cached per installed version in node_modules/.cache.
 */
export function envoyRegistry(): FileRegistry {
  const version = JSON.parse(readFileSync(join(DEPS, '../package.json'), 'utf8')).version as string;
  const cacheDir = join(ROOT, 'node_modules/.cache/semaswift');
  const image = join(cacheDir, `envoy-api-${version}.binpb`);
  if (!existsSync(image)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(image, buildImage());
  }
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
}

function buildImage(): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'envoy-api-'));
  try {
    for (const module of MODULES) cpSync(join(DEPS, module), join(work, module), { recursive: true });
    rmSync(join(work, 'protoc-gen-validate/tests'), { recursive: true, force: true });
    rmSync(join(work, 'protoc-gen-validate/java'), { recursive: true, force: true });
    patchValidateProto(join(work, 'protoc-gen-validate/validate/validate.proto'));
    writeFileSync(
      join(work, 'buf.yaml'),
      `version: v2\nmodules:\n${MODULES.map((m) => `  - path: ${m}\n`).join('')}`,
    );
    // The bundle holds a subset of each repository: leave out the files whose imports it lacks
    // (v2 APIs, OpenCensus, OpenTelemetry, Prometheus, some googleapis), a few rounds deep.
    for (let round = 0; round < 10; round++) {
      const errors = tryBuild(work);
      if (errors === undefined) return readFileSync(join(work, 'image.binpb'));
      const broken = new Set([...errors.matchAll(/^([^:\n]+\.proto):\d+:\d+:/gm)].map((m) => m[1] as string));
      if (broken.size === 0) throw new Error(`buf build failed:\n${errors}`);
      for (const file of broken) {
        if (file.includes('envoy/config/bootstrap/v3/'))
          throw new Error(`cannot compile ${file}:\n${errors}`);
        rmSync(join(work, file), { force: true });
      }
    }
    throw new Error('buf build did not converge');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function tryBuild(work: string): string | undefined {
  try {
    execFileSync(BUF, ['build', '--exclude-source-info', '-o', 'image.binpb'], { cwd: work, stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

/**
 * The bundled validate.proto is older than the Envoy API beside it: it lacks
 * `StringRules.ignore_empty` (field 26 upstream), which envoy/config/core/v3/protocol.proto uses.
 */
function patchValidateProto(file: string): void {
  const text = readFileSync(file, 'utf8');
  if (text.includes('ignore_empty')) return;
  const anchor = 'optional string not_contains = 23;';
  if (!text.includes(anchor)) throw new Error('validate.proto changed: update the ignore_empty patch');
  writeFileSync(file, text.replace(anchor, `${anchor}\n    optional bool ignore_empty = 26;`));
}
