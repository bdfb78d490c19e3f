import { test, after } from "node:test";
import assert from "node:assert/strict";
import { ServiceBusClient } from "@azure/service-bus";
import { connectionString } from "../src/connection.ts";
import { Order, processOrderBatch, sendOrders } from "../src/orders.ts";
import { drain, publish, useSqlRule } from "../src/pubsub.ts";
import { handleWithRetry, readDeadLetters } from "../src/deadletter.ts";
import { runWorkers } from "../src/competing.ts";

const client = new ServiceBusClient(connectionString);
after(() => client.close());

test("queue pattern: orders sent with content type and message id are received ten at a time, completed or abandoned", async () => {
  const orders: Order[] = Array.from({ length: 15 }, (_, i) => ({ id: `order-${i}`, customer: i % 5 === 0 ? "blocked" : "alice", total: 10 + i }));
  await sendOrders(client, "orders", orders);

  const receiver = client.createReceiver("orders");
  const completed: Order[] = [];
  const abandonedIds = new Set<string>();
  try {
    while (completed.length < 12) {
      const result = await processOrderBatch(receiver, (order, message) => {
        assert.equal(message.contentType, "application/json");
        assert.equal(message.messageId, order.id);
        assert.equal(message.subject, "order-placed");
        assert.equal(message.applicationProperties?.customer, order.customer);
        return order.customer !== "blocked";
      });
      assert.ok(result.completed.length + result.abandoned.length <= 10);
      completed.push(...result.completed);
      result.abandoned.forEach((o) => abandonedIds.add(o.id));
    }
    assert.deepEqual(new Set(completed.map((o) => o.id)).size, 12);
    assert.deepEqual([...abandonedIds].sort(), ["order-0", "order-10", "order-5"]);

    // The abandoned ones come back with a higher delivery count.
    const again = await receiver.receiveMessages(10, { maxWaitTimeInMs: 3000 });
    assert.ok(again.length > 0);
    for (const m of again) {
      assert.ok((m.deliveryCount ?? 0) >= 1);
      await receiver.completeMessage(m);
    }
  } finally {
    await receiver.close();
  }
});

test("pub/sub: SQL-filtered subscriptions each receive the events their rules select", async () => {
  await useSqlRule(client, "events", "high-value", "amount-over-100", "amount > 100");
  await useSqlRule(client, "events", "eu-orders", "region-eu", "region IN ('de', 'fr', 'nl')");
  await publish(client, "events", [
    { orderId: "e1", region: "de", amount: 50 },
    { orderId: "e2", region: "us", amount: 500 },
    { orderId: "e3", region: "fr", amount: 150 },
    { orderId: "e4", region: "us", amount: 20 },
  ]);
  const audit = await drain(client, "events", "audit");
  const highValue = await drain(client, "events", "high-value");
  const eu = await drain(client, "events", "eu-orders");
  assert.deepEqual(audit.map((e) => e.orderId), ["e1", "e2", "e3", "e4"]);
  assert.deepEqual(highValue.map((e) => e.orderId), ["e2", "e3"]);
  assert.deepEqual(eu.map((e) => e.orderId), ["e1", "e3"]);
});

test("dead-letter handling: a message that keeps failing is dead-lettered with a reason after its retries", async () => {
  const sender = client.createSender("payments");
  await sender.sendMessages({ body: { payment: "p-1", card: "expired" }, messageId: "p-1" });
  await sender.close();

  const outcomes: string[] = [];
  for (;;) {
    const outcome = await handleWithRetry(client, "payments", () => {
      throw new Error("card expired");
    });
    outcomes.push(outcome);
    if (outcome === "dead-lettered" || outcome === "none") {
      break;
    }
  }
  assert.deepEqual(outcomes, ["abandoned", "dead-lettered"]);
  const dead = await readDeadLetters(client, "payments");
  assert.equal(dead.length, 1);
  assert.equal(dead[0].messageId, "p-1");
  assert.equal(dead[0].deadLetterReason, "ProcessingFailed");
  assert.equal(dead[0].deadLetterErrorDescription, "card expired");
});

test("competing consumers: every job is handled exactly once across the workers", async () => {
  const sender = client.createSender("jobs");
  const jobs = Array.from({ length: 30 }, (_, i) => `job-${i}`);
  await sender.sendMessages(jobs.map((j) => ({ body: j })));
  await sender.close();

  const handled = await runWorkers(client, "jobs", 3, jobs.length);
  const all = [...handled.values()].flat();
  assert.equal(all.length, jobs.length);
  assert.deepEqual([...all].sort(), [...jobs].sort());
});
