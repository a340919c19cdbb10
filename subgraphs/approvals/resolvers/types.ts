import { Directive, Field, ID, Int, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { PageInfo } from '../../../platform/graphql/page';
import { StaffOnly } from '../../../platform/graphql/visibility';
import { Role } from '../../../platform/roles';
import { ApprovalStatus } from '../domain/approval';

registerEnumType(ApprovalStatus, { name: 'ApprovalStatus', description: 'Where one approval level stands' });

@ObjectType({
  description: 'One level of the approval flow: 1 INTERNAL_APPROVER, 2 MANAGER, 3 CREDIT_HEAD (committee).',
})
@Directive('@key(fields: "id")')
export class Approval {
  @Field(() => ID) id!: string;
  @Field(() => ID) applicationId!: string;
  @Field(() => Int) level!: number;
  @Field(() => Role) role!: Role;
  @Field(() => ApprovalStatus) status!: ApprovalStatus;
  @Field(() => String, { nullable: true, description: 'Staff only; for SKIPPED, why.' })
  @UseMiddleware(StaffOnly)
  comment!: string | null;
  @Field(() => ID, { nullable: true, description: 'Staff only.' })
  @UseMiddleware(StaffOnly)
  decidedBy!: string | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When this level became due.' })
  pendingSince!: Date | null;
}

@ObjectType()
export class ApprovalConnection {
  @Field(() => [Approval]) nodes!: Approval[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationApprovals {
  @Field(() => ID) id!: string;
}
