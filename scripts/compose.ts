// npm run compose: write schema/subgraphs/*.graphql and schema/supergraph.graphql from the code, and
// platform/events/event-map.ts from schema/events/*.json.
// npm run compose:check: fail if any is stale, composition fails, or it reports an unaccepted hint.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compose, ROOT, subgraphSdls } from '../gateway/compose';
import { eventMapSource } from './event-map';

async function main() {
  const check = process.argv.includes('--check');
  const files = new Map<string, string>();
  for (const [name, sdl] of await subgraphSdls()) files.set(`schema/subgraphs/${name}.graphql`, sdl);
  const { supergraphSdl, hints } = compose(files);
  files.set('schema/supergraph.graphql', supergraphSdl);
  files.set('platform/events/event-map.ts', await eventMapSource());

  const acceptedFile = join(ROOT, 'schema', 'accepted-hints.json');
  const accepted = new Set<string>(
    existsSync(acceptedFile) ? JSON.parse(readFileSync(acceptedFile, 'utf8')) : [],
  );
  const unaccepted = hints.filter((h) => !accepted.has(h));
  if (unaccepted.length) {
    console.error(`composition hints not accepted in schema/accepted-hints.json:\n${unaccepted.join('\n')}`);
    process.exit(1);
  }

  const stale: string[] = [];
  for (const [file, content] of files) {
    const path = join(ROOT, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === content) continue;
    if (check) stale.push(file);
    else {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length) {
    console.error(`stale, run \`npm run compose\` and commit:\n${stale.join('\n')}`);
    process.exit(1);
  }
  console.log(check ? 'supergraph is up to date' : 'composed');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
