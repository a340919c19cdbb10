import { buildFederatedSchema } from '../../platform/subgraph';
import { ApplicationKycResolver, KycReviewResolver, references } from './resolvers/review';

export const kycSchema = () =>
  buildFederatedSchema({ resolvers: [KycReviewResolver, ApplicationKycResolver], references });
