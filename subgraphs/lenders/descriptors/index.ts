import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LenderDescriptor, parseDescriptor } from '../domain/descriptor';

/** The lender descriptors shipped with the platform (one JSON file each, checked on load). */
export function bundledDescriptors(dir = __dirname): LenderDescriptor[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseDescriptor(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}
