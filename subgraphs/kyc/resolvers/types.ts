import {
  Directive,
  Field,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
  UseMiddleware,
} from 'type-graphql';
import { PageInfo } from '../../../platform/graphql/page';
import { StaffOnly } from '../../../platform/graphql/visibility';
import { KycStatus } from '../domain/review';

registerEnumType(KycStatus, { name: 'KycReviewStatus' });

export enum WatchlistKind {
  SANCTIONS = 'SANCTIONS',
  PEP = 'PEP',
}
registerEnumType(WatchlistKind, {
  name: 'WatchlistKind',
  description: 'Sanctions list or politically exposed persons',
});

@ObjectType()
export class KycChecklist {
  @Field(() => Boolean) identityMatchesPan!: boolean;
  @Field(() => Boolean) addressProofOk!: boolean;
  @Field(() => Boolean) documentsValidated!: boolean;
  @Field(() => Boolean) projectFeasible!: boolean;
  @Field(() => Boolean, { description: 'Screened automatically against the watchlist.' })
  sanctionsClear!: boolean;
  @Field(() => String, { nullable: true }) notes!: string | null;
}

@ObjectType({ description: "An application's KYC review: queue, assignment, checklist, decision." })
@Directive('@key(fields: "id")')
export class KycReview {
  @Field(() => ID) id!: string;
  @Field(() => KycStatus) status!: KycStatus;
  @Field(() => ID, { nullable: true, description: 'Staff only.' })
  @UseMiddleware(StaffOnly)
  assignedTo!: string | null;
  @Field(() => KycChecklist, {
    nullable: true,
    description: 'Staff only: what the officer attested and the watchlist screen.',
  })
  @UseMiddleware(StaffOnly)
  checklist!: KycChecklist | null;
  @Field(() => String, { nullable: true }) decisionReason!: string | null;
  @Field(() => ID, { nullable: true, description: 'Staff only.' })
  @UseMiddleware(StaffOnly)
  decidedBy!: string | null;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Date, { nullable: true }) assignedAt!: Date | null;
  @Field(() => Date, { nullable: true }) verifiedAt!: Date | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationKyc {
  @Field(() => ID) id!: string;
}

@ObjectType('Customer')
@Directive('@key(fields: "id")')
export class CustomerOfReview {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class KycReviewConnection {
  @Field(() => [KycReview]) nodes!: KycReview[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@InputType()
export class KycQueueFilter {
  @Field(() => [KycStatus], { nullable: true, description: 'Default: OPEN, ASSIGNED and VERIFIED.' })
  statuses?: KycStatus[];
  @Field(() => ID, { nullable: true }) assignedTo?: string;
  @Field(() => Boolean, { nullable: true, description: 'Only reviews assigned to me.' }) mine?: boolean;
}

@InputType()
export class KycChecklistInput {
  @Field(() => Boolean) identityMatchesPan!: boolean;
  @Field(() => Boolean) addressProofOk!: boolean;
  @Field(() => Boolean) documentsValidated!: boolean;
  @Field(() => Boolean) projectFeasible!: boolean;
  @Field(() => String, { nullable: true }) notes?: string;
}
