import { emiMinor, ratioBps } from '../../../platform/finance';
import type { RiskPolicy } from './policy';

export interface BureauReport {
  score: number;
  activeLoans: number;
  existingEmiMinor: bigint;
  defaults: number;
}

export interface ScoringInput {
  amountMinor: bigint;
  tenureMonths: number;
  monthlyIncomeMinor: bigint;
  collateralValueMinor: bigint | null;
  bureau: BureauReport;
}

export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';
export type Recommendation = 'APPROVE' | 'REFER' | 'DECLINE';

export interface ScoreResult {
  score: number;
  grade: Grade;
  recommendation: Recommendation;
  reasons: string[];
  bureauBand: BureauBand;
  proposedEmiMinor: bigint;
  dtiBps: number;
  foirBps: number;
  ltvBps: number | null;
}

/** A score as the assessment row keeps it (JSON: the EMI as a decimal string). */
export type StoredScore = Omit<ScoreResult, 'proposedEmiMinor'> & { proposedEmiMinor: string };

export type BureauBand = 'EXCELLENT' | 'GOOD' | 'FAIR' | 'POOR' | 'VERY_POOR';

export function bureauBand(score: number): BureauBand {
  if (score >= 750) return 'EXCELLENT';
  if (score >= 700) return 'GOOD';
  if (score >= 650) return 'FAIR';
  if (score >= 550) return 'POOR';
  return 'VERY_POOR';
}

/** Full points at or below `good`, none at or above `limit`, linear between (integers only). */
function sliding(valueBps: number, good: number, limit: number, points: number): number {
  if (valueBps <= good) return points;
  if (valueBps >= limit) return 0;
  return Math.floor(((limit - valueBps) * points) / (limit - good));
}

const pct = (bps: number) => `${(bps / 100).toFixed(1)}%`;

/**
 * The risk score, 0–1000: bureau (up to 500), repayment capacity by FOIR (250), collateral by LTV (150),
 * credit history (100). Hard limits of the policy decline whatever the score.
 */
export function scoreApplication(input: ScoringInput, policy: RiskPolicy): ScoreResult {
  const { bureau } = input;
  const reasons: string[] = [];
  const proposedEmiMinor = emiMinor(input.amountMinor, policy.assumedAnnualRateBps, input.tenureMonths);
  const dtiBps = ratioBps(bureau.existingEmiMinor, input.monthlyIncomeMinor);
  const foirBps = ratioBps(bureau.existingEmiMinor + proposedEmiMinor, input.monthlyIncomeMinor);
  const ltvBps = input.collateralValueMinor ? ratioBps(input.amountMinor, input.collateralValueMinor) : null;

  const bureauPart = Math.floor(((Math.min(Math.max(bureau.score, 300), 900) - 300) * 500) / 600);
  const foirPart = sliding(foirBps, 3000, policy.maxFoirBps, 250);
  const ltvPart = ltvBps === null ? 60 : sliding(ltvBps, 5000, policy.maxLtvBps, 150);
  const historyPart = Math.max(0, 100 - 25 * Math.max(0, bureau.activeLoans - 1)) - 200 * bureau.defaults;
  const score = Math.min(1000, Math.max(0, bureauPart + foirPart + ltvPart + historyPart));

  const band = bureauBand(bureau.score);
  reasons.push(`bureau score ${bureau.score} (${band})`);
  reasons.push(
    `FOIR ${pct(foirBps)} with the proposed EMI (limit ${pct(policy.maxFoirBps)}); DTI ${pct(dtiBps)}`,
  );
  reasons.push(
    ltvBps === null ? 'no collateral offered' : `LTV ${pct(ltvBps)} (limit ${pct(policy.maxLtvBps)})`,
  );
  if (bureau.defaults > 0) reasons.push(`${bureau.defaults} default(s) on record`);
  if (bureau.activeLoans > 1) reasons.push(`${bureau.activeLoans} active loans`);

  const hardDecline: string[] = [];
  if (bureau.score < policy.minBureauScore) hardDecline.push(`bureau score below ${policy.minBureauScore}`);
  if (foirBps > policy.maxFoirBps) hardDecline.push('FOIR above the limit');
  if (ltvBps !== null && ltvBps > policy.maxLtvBps) hardDecline.push('LTV above the limit');
  if (bureau.defaults > 0) hardDecline.push('defaults on record');

  let recommendation: Recommendation;
  if (hardDecline.length || score < policy.referScore) {
    recommendation = 'DECLINE';
    reasons.push(...(hardDecline.length ? hardDecline : [`score below ${policy.referScore}`]));
  } else if (score >= policy.approveScore) {
    recommendation = 'APPROVE';
  } else {
    recommendation = 'REFER';
    reasons.push(`score between ${policy.referScore} and ${policy.approveScore}: refer to a risk manager`);
  }

  const g = policy.grades;
  const grade: Grade =
    score >= g.A ? 'A' : score >= g.B ? 'B' : score >= g.C ? 'C' : score >= g.D ? 'D' : 'E';
  return {
    score,
    grade,
    recommendation,
    reasons,
    bureauBand: band,
    proposedEmiMinor,
    dtiBps,
    foirBps,
    ltvBps,
  };
}
