// The project's contract and data files under schema/ (JSON Schemas, products, provisioning rates, the chart
// of accounts, event schemas) are found from this one place, so code that moves (a build) moves one path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCHEMA_DIR = join(__dirname, '..', 'schema');

/** A JSON file under schema/, parsed (callers check it against its own schema). */
export const schemaJson = (...path: string[]): unknown =>
  JSON.parse(readFileSync(join(SCHEMA_DIR, ...path), 'utf8'));
