// Dead-letter handling by delivery count: a consumer retries a failing message a few times, then
// dead-letters it with a reason; an operator tool reads the dead-letter queue.
import { ServiceBusClient, ServiceBusReceivedMessage } from "@azure/service-bus";

export const maxAttempts = 2;

/** Handles one message: retries by abandoning; after maxAttempts failed deliveries, dead-letters it. */
export async function handleWithRetry(
  client: ServiceBusClient,
  queue: string,
  handler: (message: ServiceBusReceivedMessage) => void,
): Promise<"completed" | "abandoned" | "dead-lettered" | "none"> {
  const receiver = client.createReceiver(queue);
  try {
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    if (!message) {
      return "none";
    }
    try {
      handler(message);
      await receiver.completeMessage(message);
      return "completed";
    } catch (error) {
      // deliveryCount counts earlier deliveries (0 the first time), so this is attempt deliveryCount + 1.
      if ((message.deliveryCount ?? 0) + 1 >= maxAttempts) {
        await receiver.deadLetterMessage(message, {
          deadLetterReason: "ProcessingFailed",
          deadLetterErrorDescription: (error as Error).message,
        });
        return "dead-lettered";
      }
      await receiver.abandonMessage(message);
      return "abandoned";
    }
  } finally {
    await receiver.close();
  }
}

export async function readDeadLetters(client: ServiceBusClient, queue: string): Promise<ServiceBusReceivedMessage[]> {
  const receiver = client.createReceiver(queue, { subQueueType: "deadLetter" });
  try {
    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 2000 });
    for (const m of messages) {
      await receiver.completeMessage(m);
    }
    return messages;
  } finally {
    await receiver.close();
  }
}
