import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SCHEMA_DIR } from '../../../platform/schema-files';

/** Loan products as versioned documents, and the product version each offer was made under. */
export class Products1733500000600 implements MigrationInterface {
  name = 'Products1733500000600';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE product_versions (
        code text NOT NULL,
        version integer NOT NULL,
        document jsonb NOT NULL,
        published_by uuid,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (code, version)
      )`);
    // The products the platform ships with, as their first versions (a lender publishes its own after).
    const dir = join(SCHEMA_DIR, 'products');
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { code: string };
      await q.query('INSERT INTO product_versions (code, version, document) VALUES ($1, 1, $2)', [
        doc.code,
        JSON.stringify(doc),
      ]);
    }
    // Offers made before products were data were made under STANDARD, version 1 (its terms are those rules).
    await q.query(`
      ALTER TABLE offers
        ADD COLUMN product_code text NOT NULL DEFAULT 'STANDARD',
        ADD COLUMN product_version integer NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE offers DROP COLUMN product_code, DROP COLUMN product_version');
    await q.query('DROP TABLE product_versions');
  }
}
