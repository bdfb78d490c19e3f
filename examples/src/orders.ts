// Queue pattern: a web tier sends orders; a worker receives them ten at a time, completes the
// good ones and abandons the ones it cannot handle yet.
import { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";

export interface Order {
  id: string;
  customer: string;
  total: number;
}

export async function sendOrders(client: ServiceBusClient, queue: string, orders: Order[]): Promise<void> {
  const sender = client.createSender(queue);
  try {
    const batch = await sender.createMessageBatch();
    for (const order of orders) {
      const added = batch.tryAddMessage({
        body: order,
        contentType: "application/json",
        messageId: order.id,
        subject: "order-placed",
        applicationProperties: { customer: order.customer, total: order.total },
      });
      if (!added) {
        throw new Error("batch full");
      }
    }
    await sender.sendMessages(batch);
  } finally {
    await sender.close();
  }
}

export interface BatchResult {
  completed: Order[];
  abandoned: Order[];
}

/** Receives up to ten orders; completes those `accept` approves, abandons the rest. */
export async function processOrderBatch(
  receiver: ServiceBusReceiver,
  accept: (order: Order, message: ServiceBusReceivedMessage) => boolean,
): Promise<BatchResult> {
  const result: BatchResult = { completed: [], abandoned: [] };
  const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 2000 });
  for (const message of messages) {
    const order = message.body as Order;
    if (accept(order, message)) {
      await receiver.completeMessage(message);
      result.completed.push(order);
    } else {
      await receiver.abandonMessage(message);
      result.abandoned.push(order);
    }
  }
  return result;
}
