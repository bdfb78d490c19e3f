// Competing consumers: several workers subscribe to one queue; each job is handled by exactly one.
import { ServiceBusClient } from "@azure/service-bus";

export async function runWorkers(client: ServiceBusClient, queue: string, workers: number, expected: number): Promise<Map<string, string[]>> {
  const handled = new Map<string, string[]>();
  let count = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const receivers = [];
  const subscriptions = [];
  for (let w = 0; w < workers; w++) {
    const name = `worker-${w}`;
    handled.set(name, []);
    const receiver = client.createReceiver(queue);
    receivers.push(receiver);
    subscriptions.push(
      receiver.subscribe(
        {
          processMessage: async (message) => {
            handled.get(name)!.push(String(message.body));
            await new Promise((r) => setTimeout(r, 5));
            if (++count === expected) {
              finish();
            }
          },
          processError: async (args) => {
            console.error(`worker ${name}:`, args.error);
          },
        },
        { maxConcurrentCalls: 2, autoCompleteMessages: true },
      ),
    );
  }
  const timeout = setTimeout(finish, 30000);
  await done;
  clearTimeout(timeout);
  for (const s of subscriptions) {
    await s.close();
  }
  for (const r of receivers) {
    await r.close();
  }
  return handled;
}
