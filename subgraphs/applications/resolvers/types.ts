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
import { MinorUnits, Money } from '../../../platform/graphql/money';
import { PageInfo } from '../../../platform/graphql/page';
import { StaffOnly } from '../../../platform/graphql/visibility';
import { FacilityType } from '../domain/application';
import { ApplicationStatus } from '../domain/state-machine';

registerEnumType(ApplicationStatus, { name: 'ApplicationStatus' });
registerEnumType(FacilityType, { name: 'FacilityType' });

export enum ActorKind {
  CUSTOMER = 'CUSTOMER',
  STAFF = 'STAFF',
  SYSTEM = 'SYSTEM',
}
registerEnumType(ActorKind, { name: 'ActorKind' });

@ObjectType()
export class ProjectDetails {
  @Field(() => String) name!: string;
  @Field(() => String) location!: string;
  @Field(() => Money) cost!: Money;
  @Field(() => String, { nullable: true }) description!: string | null;
}

@ObjectType({ description: 'Something that happened to an application: who, when, why, and the event.' })
export class TimelineEntry {
  @Field(() => Date) at!: Date;
  @Field(() => String, { description: 'CREATED, SUBMIT, WITHDRAW, KYC_DATA_RECEIVED, ...' }) action!: string;
  @Field(() => ApplicationStatus, { nullable: true }) fromStatus!: ApplicationStatus | null;
  @Field(() => ApplicationStatus, { nullable: true }) toStatus!: ApplicationStatus | null;
  @Field(() => ActorKind) actorKind!: ActorKind;
  @Field(() => ID, {
    nullable: true,
    description: 'Who acted: staff see everyone; a customer sees only their own id.',
  })
  @UseMiddleware(StaffOnly)
  actorId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The CloudEvent that recorded or caused it.' })
  eventId!: string | null;
}

@ObjectType({ description: 'A loan application: the centre of the graph.' })
@Directive('@key(fields: "id")')
export class Application {
  @Field(() => ID) id!: string;
  @Field(() => Int) tenureMonths!: number;
  @Field(() => FacilityType) facilityType!: FacilityType;
  @Field(() => String) purpose!: string;
  @Field(() => String, {
    nullable: true,
    description: "The merchant's category code (MCC), for checkout financing.",
  })
  merchantCategory!: string | null;
  @Field(() => ApplicationStatus) status!: ApplicationStatus;
  @Field(() => Date, { nullable: true }) submittedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('Customer')
@Directive('@key(fields: "id")')
export class CustomerRef {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class ApplicationConnection {
  @Field(() => [Application]) nodes!: Application[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@InputType()
export class ProjectInput {
  @Field(() => String) name!: string;
  @Field(() => String) location!: string;
  @Field(() => MinorUnits) costMinor!: bigint;
  @Field(() => String, { nullable: true }) description?: string;
}

@InputType()
export class ApplicationInput {
  @Field(() => MinorUnits, { description: 'Requested amount in paise.' }) amountMinor!: bigint;
  @Field(() => Int) tenureMonths!: number;
  @Field(() => FacilityType) facilityType!: FacilityType;
  @Field(() => String) purpose!: string;
  @Field(() => ProjectInput, { nullable: true }) project?: ProjectInput;
  @Field(() => MinorUnits, { nullable: true, description: 'Net monthly income in paise; needed to submit.' })
  monthlyIncomeMinor?: bigint;
  @Field(() => MinorUnits, { nullable: true, description: 'Collateral market value in paise, if any.' })
  collateralValueMinor?: bigint;
  @Field(() => String, {
    nullable: true,
    description:
      "Checkout financing: the merchant's 4-digit category code (MCC), which some lenders lend by.",
  })
  merchantCategory?: string;
}

@InputType()
export class ApplicationPatch {
  @Field(() => MinorUnits, { nullable: true }) amountMinor?: bigint;
  @Field(() => Int, { nullable: true }) tenureMonths?: number;
  @Field(() => FacilityType, { nullable: true }) facilityType?: FacilityType;
  @Field(() => String, { nullable: true }) purpose?: string;
  @Field(() => ProjectInput, { nullable: true }) project?: ProjectInput;
  @Field(() => MinorUnits, { nullable: true, description: 'Net monthly income in paise; needed to submit.' })
  monthlyIncomeMinor?: bigint;
  @Field(() => MinorUnits, { nullable: true, description: 'Collateral market value in paise, if any.' })
  collateralValueMinor?: bigint;
  @Field(() => String, {
    nullable: true,
    description:
      "Checkout financing: the merchant's 4-digit category code (MCC), which some lenders lend by.",
  })
  merchantCategory?: string;
}

@InputType()
export class ApplicationFilter {
  @Field(() => [ApplicationStatus], { nullable: true }) statuses?: ApplicationStatus[];
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field(() => FacilityType, { nullable: true }) facilityType?: FacilityType;
}

@ObjectType()
export class ApplicationStatusCount {
  @Field(() => ApplicationStatus) status!: ApplicationStatus;
  @Field(() => Int) count!: number;
  @Field(() => Date, { description: 'When the longest-waiting of them last changed.' }) oldestUpdate!: Date;
}

@ObjectType({ description: 'Staff: the platform at a glance; each domain adds its own figures.' })
@Directive('@key(fields: "id")')
export class Dashboard {
  @Field(() => ID, { description: 'Always "platform": there is one dashboard.' }) id!: string;
}
