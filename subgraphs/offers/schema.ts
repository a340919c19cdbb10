import { buildFederatedSchema } from '../../platform/subgraph';
import {
  ApplicationOffersResolver,
  KeyFactStatementResolver,
  OfferResolver,
  references,
} from './resolvers/offer';
import { ProductResolver } from './resolvers/product';
import { ApplicationOffers } from './resolvers/types';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const offersSchema = () =>
  buildFederatedSchema({
    resolvers: [OfferResolver, KeyFactStatementResolver, ApplicationOffersResolver, ProductResolver],
    orphanedTypes: [ApplicationOffers],
    references,
  });
