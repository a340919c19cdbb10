import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../../platform/graphql/page';
import { CATEGORIES, type Category } from '../domain/templates';

export const NotificationCategory = Object.fromEntries(CATEGORIES.map((c) => [c, c])) as {
  [K in Category]: K;
};
registerEnumType(NotificationCategory, {
  name: 'NotificationCategory',
  description: 'What a notification is about; channel preferences are set per category',
});

@ObjectType({ description: 'One send of a notification on one channel.' })
export class NotificationDelivery {
  @Field(() => String, { description: 'EMAIL, SMS or PUSH' }) channel!: string;
  @Field(() => String, { description: 'PENDING (queued or retrying), SENT or FAILED' }) status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
}

@ObjectType({ description: 'A message to the borrower about their application or loan.' })
@Directive('@key(fields: "id")')
export class Notification {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The lifecycle event it tells of, e.g. payment.overdue' })
  eventType!: string;
  @Field(() => NotificationCategory) category!: Category;
  @Field(() => String) title!: string;
  @Field(() => String) body!: string;
  @Field(() => Boolean, { description: 'Regulatory: carries its disclosure; cannot be switched off' })
  regulatory!: boolean;
  @Field(() => Boolean) read!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
}

@ObjectType()
export class NotificationPage {
  @Field(() => [Notification]) items!: Notification[];
  @Field(() => Int, { description: 'Unread in the whole inbox, not only this page.' }) unreadCount!: number;
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: 'The channels a person wants for one category.' })
export class NotificationPreference {
  @Field(() => NotificationCategory) category!: Category;
  @Field(() => Boolean) email!: boolean;
  @Field(() => Boolean) sms!: boolean;
  @Field(() => Boolean) push!: boolean;
  @Field(() => Boolean, { description: 'Kept in the inbox (and pushed to open apps)' }) inApp!: boolean;
}

@InputType()
export class NotificationPreferenceInput {
  @Field(() => NotificationCategory) category!: Category;
  @Field(() => Boolean) email!: boolean;
  @Field(() => Boolean) sms!: boolean;
  @Field(() => Boolean) push!: boolean;
  @Field(() => Boolean) inApp!: boolean;
}
