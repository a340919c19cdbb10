import type { SubgraphDefinition } from '../platform/subgraph';
import { applications } from './applications';
import { approvals } from './approvals';
import { documents } from './documents';
import { identity } from './identity';
import { kyc } from './kyc';
import { lenders } from './lenders';
import { loans } from './loans';
import { notifications } from './notifications';
import { offers } from './offers';
import { payments } from './payments';
import { risk } from './risk';

/** Every subgraph, in port order (SUBGRAPH_BASE_PORT + index). rover.yaml lists the same names. */
export const SUBGRAPHS: SubgraphDefinition[] = [
  identity,
  applications,
  documents,
  kyc,
  risk,
  offers,
  approvals,
  loans,
  payments,
  notifications,
  lenders,
];
