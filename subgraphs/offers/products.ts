// Loan products as versioned data (schema/loan-product.json): published by the credit side, every
// version kept; an offer is made under the latest version of its product and keeps it.
import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../../platform/auth';
import { lockKey } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { type LoanProduct, parseProduct } from '../../platform/products';
import { ProductVersionRow } from './model/offer';

export interface ProductVersion {
  version: number;
  product: LoanProduct;
  publishedAt: Date;
  publishedBy: string | null;
}

const toVersion = (r: ProductVersionRow): ProductVersion => ({
  version: r.version,
  product: r.document as unknown as LoanProduct,
  publishedAt: r.publishedAt,
  publishedBy: r.publishedBy,
});

/** The version in force for a product code (the latest published). */
export async function latestProduct(m: EntityManager | DataSource, code: string): Promise<ProductVersion> {
  const [row] = await m
    .getRepository(ProductVersionRow)
    .find({ where: { code }, order: { version: 'DESC' }, take: 1 });
  if (!row) throw new AppError('BAD_USER_INPUT', `no loan product ${code}`, { field: 'productCode' });
  return toVersion(row);
}

export async function productVersion(db: DataSource, code: string, version: number) {
  const row = await db.getRepository(ProductVersionRow).findOne({ where: { code, version } });
  if (!row) throw notFound('loan product version');
  return toVersion(row);
}

/** Every product as in force now (its latest version), by code. */
export async function currentProducts(db: DataSource): Promise<ProductVersion[]> {
  const rows: ProductVersionRow[] = await db
    .getRepository(ProductVersionRow)
    .createQueryBuilder('p')
    .distinctOn(['p.code'])
    .orderBy('p.code')
    .addOrderBy('p.version', 'DESC')
    .getMany();
  return rows.map(toVersion);
}

/**
 * Publishes a product document as the next version of its code (a new code starts at 1): checked against
 * the schema first, so nothing is stored when it is wrong. Offers made from now on use it; offers and
 * loans already made keep the version they were made under.
 */
export async function publishProduct(
  db: DataSource,
  staff: Caller,
  document: string,
): Promise<ProductVersion> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'the document is not JSON', { field: 'document' });
  }
  const product = parseProduct(parsed);
  return db.transaction(async (m) => {
    await lockKey(m, `product:${product.code}`);
    const [last] = await m.query('SELECT max(version) AS v FROM product_versions WHERE code = $1', [
      product.code,
    ]);
    const row = m.create(ProductVersionRow, {
      code: product.code,
      version: (last?.v ?? 0) + 1,
      document: product,
      publishedBy: staff.userId,
      publishedAt: new Date(),
    });
    await m.insert(ProductVersionRow, row);
    return toVersion(row);
  });
}
