import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCaller } from '../../../platform/auth';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as notifications from '../service';
import {
  Notification,
  NotificationDelivery,
  NotificationPage,
  NotificationPreference,
  NotificationPreferenceInput,
} from './types';

const toNotification = (d: notifications.NotificationDoc): Notification => ({
  id: d._id,
  eventType: d.eventType,
  category: d.category,
  title: d.title,
  body: d.body,
  regulatory: d.regulatory,
  read: d.read,
  createdAt: new Date(d.createdAt),
  readAt: d.readAt ? new Date(d.readAt) : null,
});

const toPreference = (p: Awaited<ReturnType<typeof notifications.preferencesOf>>[number]) => ({
  category: p.category,
  email: p.EMAIL,
  sms: p.SMS,
  push: p.PUSH,
  inApp: p.IN_APP,
});

@Resolver(() => Notification)
export class NotificationResolver {
  @Query(() => NotificationPage, { description: 'The caller’s inbox, newest first.' })
  async myNotifications(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('unreadOnly', () => Boolean, { defaultValue: false }) unreadOnly: boolean,
    @Ctx() ctx: SubgraphContext,
  ): Promise<NotificationPage> {
    const p = await notifications.myNotifications(requireCaller(ctx), { first, after, unreadOnly });
    return {
      items: p.items.map(toNotification),
      unreadCount: p.unreadCount,
      pageInfo: { endCursor: p.endCursor, hasNextPage: p.hasNextPage },
    };
  }

  @Query(() => Notification, { description: 'One of the caller’s notifications.' })
  async notification(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toNotification(await notifications.getNotification(requireCaller(ctx), id));
  }

  @Mutation(() => Notification)
  async markNotificationRead(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toNotification(await notifications.markRead(requireCaller(ctx), id));
  }

  @FieldResolver(() => [NotificationDelivery], { description: 'How it went out on each channel.' })
  async deliveries(@Root() n: Notification, @Ctx() ctx: SubgraphContext): Promise<NotificationDelivery[]> {
    return notifications.deliveriesOf(ctx.db, n.id);
  }

  @Query(() => [NotificationPreference], { description: 'The caller’s channels per category.' })
  async myNotificationPreferences(@Ctx() ctx: SubgraphContext) {
    return (await notifications.preferencesOf(ctx.db, requireCaller(ctx))).map(toPreference);
  }

  @Mutation(() => [NotificationPreference], {
    description: 'Sets channels per category. Regulatory messages are still kept in-app and e-mailed.',
  })
  async updateNotificationPreferences(
    @Arg('preferences', () => [NotificationPreferenceInput]) preferences: NotificationPreferenceInput[],
    @Ctx() ctx: SubgraphContext,
  ) {
    const rows = await notifications.updatePreferences(
      ctx.db,
      requireCaller(ctx),
      preferences.map((p) => ({
        category: p.category,
        EMAIL: p.email,
        SMS: p.sms,
        PUSH: p.push,
        IN_APP: p.inApp,
      })),
    );
    return rows.map(toPreference);
  }
}

export const references = {
  Notification: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
      toNotification(await notifications.getNotification(ctx.caller, ref.id)),
  },
};
