// The general-ledger chart (schema/chart-of-accounts.json): where each ledger account of a loan is reported,
// by default, for a loan a lender funded, and as a product maps it. Data, not code: a lender puts its own
// codes and names here without a release.
import { z } from 'zod';
import { schemaJson } from './schema-files';

const code = z.string().regex(/^[0-9A-Z.-]{1,20}$/);
const chartSchema = z
  .object({
    version: z.string().min(1),
    codes: z.record(
      code,
      z.object({ name: z.string().min(1), type: z.enum(['ASSET', 'LIABILITY', 'INCOME', 'EXPENSE']) }),
    ),
    defaults: z.record(z.string(), code),
    funded: z.record(z.string(), code),
  })
  .superRefine((c, ctx) => {
    for (const [from, map] of [
      ['defaults', c.defaults],
      ['funded', c.funded],
    ] as const) {
      for (const [account, to] of Object.entries(map)) {
        if (!c.codes[to]) ctx.addIssue({ code: 'custom', message: `${from}.${account}: no GL code ${to}` });
        if (from === 'funded' && !c.defaults[account]) {
          ctx.addIssue({ code: 'custom', message: `funded.${account}: not a ledger account` });
        }
      }
    }
  });
export type ChartOfAccounts = z.infer<typeof chartSchema>;

export interface GlAccount {
  code: string;
  name: string;
  type: ChartOfAccounts['codes'][string]['type'];
}

let chart: ChartOfAccounts | undefined;
export function chartOfAccounts(): ChartOfAccounts {
  chart ??= chartSchema.parse(schemaJson('chart-of-accounts.json'));
  return chart;
}

/** What is wrong with a product's GL mapping (`glAccounts`): accounts the ledger lacks, codes the chart lacks. */
export function glMappingProblems(glAccounts: Record<string, string> | undefined): string[] {
  const c = chartOfAccounts();
  return Object.entries(glAccounts ?? {}).flatMap(([account, to]) => [
    ...(c.defaults[account] ? [] : [`glAccounts: ${account} is not a ledger account`]),
    ...(c.codes[to] ? [] : [`glAccounts: ${account} maps to ${to}, not in the chart of accounts`]),
  ]);
}

/**
 * The GL account a ledger account of a loan is reported in: the product's mapping first, then the funded
 * loans' (the cash of a loan a lender funded is the lender's), then the default.
 */
export function glAccountOf(
  account: string,
  product: { glAccounts?: Record<string, string> },
  funded: boolean,
): GlAccount {
  const c = chartOfAccounts();
  const to = product.glAccounts?.[account] ?? (funded ? c.funded[account] : undefined) ?? c.defaults[account];
  if (!to) throw new Error(`${account} is not in the chart of accounts`);
  return { code: to, ...c.codes[to] };
}
