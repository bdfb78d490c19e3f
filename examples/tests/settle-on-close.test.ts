import { test, after } from "node:test";
import assert from "node:assert/strict";
import { ServiceBusClient, ServiceBusReceivedMessage } from "@azure/service-bus";
import { connectionString } from "../src/connection.ts";

// The SDK gives up on an unanswered settlement after 5 s instead of 60 s and does not retry it
// through $management, so a settlement the broker leaves unanswered fails this test quickly.
const client = new ServiceBusClient(connectionString, { retryOptions: { timeoutInMs: 5000, maxRetries: 0 } });
after(() => client.close());

test("settling and closing at once: every settlement is answered before the receiver's detach", async () => {
  const queue = "settle-on-close";
  const rounds = 10;
  const perRound = 10;
  const sender = client.createSender(queue);
  try {
    for (let round = 0; round < rounds; round++) {
      await sender.sendMessages(Array.from({ length: perRound }, (_, i) => ({ body: `r${round}-${i}` })));
      const receiver = client.createReceiver(queue);
      const messages: ServiceBusReceivedMessage[] = [];
      while (messages.length < perRound) {
        const batch = await receiver.receiveMessages(perRound - messages.length, { maxWaitTimeInMs: 5000 });
        assert.ok(batch.length > 0, "the sent messages arrive");
        messages.push(...batch);
      }
      // The dispositions and the detach leave back to back, while each settlement still waits for
      // the broker's durable writes (a dead-letter takes two). rhea-promise stops listening for
      // the link's frames once the detach is echoed, so an answer written after the echo is never
      // seen and the settlement times out. Rounds alternate completions and dead-letters, one
      // outcome per round: rhea 3.0.5 folds the second of several dispositions written in one
      // tick into the first one's range whatever its outcome.
      const started = Date.now();
      const settle = (m: ServiceBusReceivedMessage) =>
        round % 2 === 0 ? receiver.completeMessage(m) : receiver.deadLetterMessage(m, { deadLetterReason: "closing" });
      const settlements = Promise.allSettled(messages.map(settle));
      await receiver.close();
      const failed = (await settlements).filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], `round ${round}: every settlement is answered`);
      assert.ok(Date.now() - started < 4000, `round ${round}: settled and closed in ${Date.now() - started} ms`);
    }
  } finally {
    await sender.close();
  }
  const check = client.createReceiver(queue);
  const deadLetters = client.createReceiver(queue, { subQueueType: "deadLetter" });
  try {
    assert.equal((await check.peekMessages(10)).length, 0, "every message was settled");
    let deadLettered = 0;
    for (let page = await deadLetters.peekMessages(rounds * perRound); page.length > 0; page = await deadLetters.peekMessages(rounds * perRound)) {
      deadLettered += page.length;
    }
    assert.equal(deadLettered, (rounds / 2) * perRound, "the dead-lettered rounds are in the dead-letter queue");
  } finally {
    await check.close();
    await deadLetters.close();
  }
});
