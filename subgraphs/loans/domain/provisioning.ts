import { z } from 'zod';
import { schemaJson } from '../../../platform/schema-files';
import { addDays } from '../business-date';
import type { AssetClass } from './delinquency';

/** The provisioning categories of IRACP: a standard asset (SMA included), or an NPA by how long it has been one. */
export type ProvisionClass =
  | 'STANDARD'
  | 'SUB_STANDARD'
  | 'DOUBTFUL_1'
  | 'DOUBTFUL_2'
  | 'DOUBTFUL_3'
  | 'LOSS';
export const PROVISION_CLASSES: readonly ProvisionClass[] = [
  'STANDARD',
  'SUB_STANDARD',
  'DOUBTFUL_1',
  'DOUBTFUL_2',
  'DOUBTFUL_3',
  'LOSS',
];

const bps = z.number().int().min(0).max(10_000);
const ratesSchema = z.object({
  version: z.string().min(1),
  rates: z.object(
    Object.fromEntries(
      PROVISION_CLASSES.map((c) => [c, z.object({ secured: bps, unsecured: bps })]),
    ) as Record<ProvisionClass, z.ZodObject<{ secured: typeof bps; unsecured: typeof bps }>>,
  ),
});
export type ProvisioningRates = z.infer<typeof ratesSchema>;

let rates: ProvisioningRates | undefined;
/** The rates in schema/provisioning.json (data, not code: a lender changes them without a release). */
export function provisioningRates(): ProvisioningRates {
  rates ??= ratesSchema.parse(schemaJson('provisioning.json'));
  return rates;
}

/**
 * The category of an account at a day-end: any standard or special-mention account is STANDARD; an NPA is
 * SUB_STANDARD for its first 12 months, then DOUBTFUL up to a year more (D1), up to three (D2), and beyond
 * (D3). LOSS is an assessment a person makes (`lossOn`, the day it was identified); it is never reached by
 * days alone.
 */
export function provisionClassOf(
  assetClass: AssetClass,
  npaSince: string | null,
  day: string,
  lossOn: string | null = null,
): ProvisionClass {
  if (assetClass !== 'NPA' || !npaSince) return 'STANDARD';
  if (lossOn && lossOn <= day) return 'LOSS';
  const after = (months: number) => addDays(npaSince, Math.round((months * 365.25) / 12));
  if (day <= after(12)) return 'SUB_STANDARD';
  if (day <= after(24)) return 'DOUBTFUL_1';
  if (day <= after(48)) return 'DOUBTFUL_2';
  return 'DOUBTFUL_3';
}

/** The provision an exposure needs: its rate on the principal outstanding, rounded up to the paisa (never short). */
export function requiredProvision(
  outstandingMinor: bigint,
  cls: ProvisionClass,
  secured: boolean,
  r: ProvisioningRates = provisioningRates(),
): bigint {
  const rate = BigInt(r.rates[cls][secured ? 'secured' : 'unsecured']);
  return (outstandingMinor * rate + 9_999n) / 10_000n;
}
