import DataLoader from 'dataloader';

const perRequest = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();

/**
 * The request's DataLoader for `name`: one batch query per field per request instead of one per parent.
 * `batch` returns rows; `keyOf` says which key each row belongs to (many rows per key are grouped).
 */
export function loadMany<R>(
  ctx: object,
  name: string,
  batch: (keys: readonly string[]) => Promise<R[]>,
  keyOf: (row: R) => string,
): DataLoader<string, R[]> {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    loaders = new Map();
    perRequest.set(ctx, loaders);
  }
  let loader = loaders.get(name) as DataLoader<string, R[]> | undefined;
  if (!loader) {
    loader = new DataLoader<string, R[]>(async (keys) => {
      const rows = await batch(keys);
      const grouped = new Map<string, R[]>(keys.map((k) => [k, []]));
      for (const row of rows) grouped.get(keyOf(row))?.push(row);
      return keys.map((k) => grouped.get(k) ?? []);
    });
    loaders.set(name, loader as DataLoader<string, unknown>);
  }
  return loader;
}
