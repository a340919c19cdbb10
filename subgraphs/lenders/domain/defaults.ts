import type { z } from 'zod';
import type { ruleSetSchema } from './rules';

/** The first rule version, for the three lenders whose descriptors ship with the platform. */
export const DEFAULT_RULES: z.input<typeof ruleSetSchema> = [
  {
    lenderCode: 'ALPHA',
    priority: 10,
    bureauBands: ['EXCELLENT', 'GOOD', 'FAIR'],
    amountMinor: { min: '100000', max: '500000000' },
    tenureMonths: { min: 3, max: 84 },
    dailyExposureCapMinor: '10000000000',
  },
  {
    lenderCode: 'BETA',
    priority: 20,
    bandBonus: { FAIR: 15 },
    amountMinor: { min: '100000', max: '1000000000' },
    dailyExposureCapMinor: '10000000000',
  },
  { lenderCode: 'GAMMA', priority: 30, dailyExposureCapMinor: '5000000000' },
];
