// Publish/subscribe: one topic, subscriptions that each see the events their SQL rules select.
import { ServiceBusClient } from "@azure/service-bus";

export async function useSqlRule(client: ServiceBusClient, topic: string, subscription: string, name: string, sql: string): Promise<void> {
  const rules = client.createRuleManager(topic, subscription);
  for await (const rule of rules.listRules()) {
    await rules.deleteRule(rule.name);
  }
  await rules.createRule(name, { sqlExpression: sql });
}

export interface OrderEvent {
  orderId: string;
  region: string;
  amount: number;
}

export async function publish(client: ServiceBusClient, topic: string, events: OrderEvent[]): Promise<void> {
  const sender = client.createSender(topic);
  try {
    await sender.sendMessages(
      events.map((e) => ({
        body: e,
        contentType: "application/json",
        messageId: e.orderId,
        applicationProperties: { region: e.region, amount: e.amount },
      })),
    );
  } finally {
    await sender.close();
  }
}

/** Drains a subscription (receive-and-delete) until nothing arrives for a while. */
export async function drain(client: ServiceBusClient, topic: string, subscription: string): Promise<OrderEvent[]> {
  const receiver = client.createReceiver(topic, subscription, { receiveMode: "receiveAndDelete" });
  const events: OrderEvent[] = [];
  try {
    for (;;) {
      const messages = await receiver.receiveMessages(20, { maxWaitTimeInMs: 1000 });
      if (messages.length === 0) {
        return events;
      }
      events.push(...messages.map((m) => m.body as OrderEvent));
    }
  } finally {
    await receiver.close();
  }
}
