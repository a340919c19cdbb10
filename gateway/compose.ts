import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { execute, parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { SUBGRAPHS } from '../subgraphs';

export const ROOT = join(__dirname, '..');

interface RoverConfig {
  federation_version?: string;
  subgraphs: Record<string, { routing_url: string; schema: { file?: string; subgraph_url?: string } }>;
}

/** rover's `${env.NAME}` and `${env.NAME:-default}` expansion. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(
    /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback?: string) => {
      const value = env[name] ?? fallback;
      if (value === undefined) throw new Error(`rover.yaml needs env.${name}`);
      return value;
    },
  );
}

export function readRoverConfig(env: NodeJS.ProcessEnv = process.env): RoverConfig {
  return parseYaml(expandEnv(readFileSync(join(ROOT, 'rover.yaml'), 'utf8'), env)) as RoverConfig;
}

/** The SDL each subgraph serves at `_service { sdl }`, built in-process from its code. */
export async function subgraphSdls(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const def of SUBGRAPHS) {
    const result = await execute({ schema: await def.schema(), document: parse('{ _service { sdl } }') });
    const sdl = (result.data as { _service?: { sdl: string } } | null)?._service?.sdl;
    if (!sdl) throw new Error(`${def.name}: could not print its SDL: ${JSON.stringify(result.errors)}`);
    out.set(def.name, `${sdl.trim()}\n`);
  }
  return out;
}

export interface Composition {
  supergraphSdl: string;
  hints: string[];
}

/** Composes the subgraphs listed in rover.yaml from the given SDL files' contents. */
export function compose(files: Map<string, string>, env: NodeJS.ProcessEnv = {}): Composition {
  const rover = readRoverConfig(env);
  const services = Object.entries(rover.subgraphs).map(([name, s]) => {
    if (!s.schema.file) throw new Error(`${name}: only schema.file is supported offline`);
    const sdl =
      files.get(s.schema.file.replace(/^\.\//, '')) ?? readFileSync(join(ROOT, s.schema.file), 'utf8');
    return { name, url: s.routing_url, typeDefs: parse(sdl) };
  });
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: `${result.supergraphSdl.trim()}\n`,
    hints: (result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`),
  };
}
