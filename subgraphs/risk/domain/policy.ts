import { z } from 'zod';
import { parseInput } from '../../../platform/validation';

/** The thresholds of the scoring engine: data, versioned, edited by RISK_MANAGER. Ratios in basis points. */
export const policySchema = z
  .object({
    /** Rate assumed for the proposed EMI before an offer fixes the real one. */
    assumedAnnualRateBps: z.number().int().min(0).max(5000),
    minBureauScore: z.number().int().min(300).max(900),
    maxFoirBps: z.number().int().min(1000).max(10_000),
    maxLtvBps: z.number().int().min(1000).max(10_000),
    approveScore: z.number().int().min(0).max(1000),
    referScore: z.number().int().min(0).max(1000),
    grades: z.object({
      A: z.number().int().min(0).max(1000),
      B: z.number().int().min(0).max(1000),
      C: z.number().int().min(0).max(1000),
      D: z.number().int().min(0).max(1000),
    }),
  })
  .refine((p) => p.referScore <= p.approveScore, { message: 'referScore must not exceed approveScore' })
  .refine((p) => p.grades.A > p.grades.B && p.grades.B > p.grades.C && p.grades.C > p.grades.D, {
    message: 'grade thresholds must fall from A to D',
  });

export type RiskPolicy = z.infer<typeof policySchema>;

export const DEFAULT_POLICY: RiskPolicy = {
  assumedAnnualRateBps: 1400,
  minBureauScore: 550,
  maxFoirBps: 6000,
  maxLtvBps: 8000,
  approveScore: 650,
  referScore: 450,
  grades: { A: 800, B: 650, C: 500, D: 350 },
};

export const parsePolicy = (input: unknown): RiskPolicy => parseInput(policySchema, input);
