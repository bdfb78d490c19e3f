// RabbitMQ's Node client, amqplib, against Omnibus on the same port the Service Bus SDK uses.
import { test } from "node:test";
import assert from "node:assert/strict";
import amqp from "amqplib";

const url = process.env.OMNIBUS_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

test("rabbitmq (amqplib): confirmed publishes to a declared queue are consumed in order and acknowledged", async () => {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    const queue = `amqplib-jobs-${Date.now()}`;
    await channel.assertQueue(queue, { durable: true });
    for (let i = 0; i < 20; i++) {
      channel.sendToQueue(queue, Buffer.from(`job-${i}`), { persistent: true, messageId: `id-${i}`, headers: { attempt: i } });
    }
    await channel.waitForConfirms();
    await channel.prefetch(5);

    const bodies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      channel
        .consume(queue, (msg) => {
          if (!msg) return reject(new Error("consumer cancelled"));
          bodies.push(msg.content.toString());
          assert.equal(msg.properties.messageId, `id-${bodies.length - 1}`);
          assert.equal(msg.properties.headers?.attempt, bodies.length - 1);
          channel.ack(msg);
          if (bodies.length === 20) resolve();
        })
        .catch(reject);
    });
    assert.deepEqual(bodies, Array.from({ length: 20 }, (_, i) => `job-${i}`));
    const empty = await channel.checkQueue(queue);
    assert.equal(empty.messageCount, 0);
    await channel.close();
  } finally {
    await connection.close();
  }
});

test("rabbitmq (amqplib): a fanout exchange delivers to every bound queue and basic.get reads them", async () => {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const exchange = `amqplib-events-${Date.now()}`;
    await channel.assertExchange(exchange, "fanout", { durable: true });
    const a = await channel.assertQueue(`${exchange}-a`);
    const b = await channel.assertQueue(`${exchange}-b`);
    await channel.bindQueue(a.queue, exchange, "");
    await channel.bindQueue(b.queue, exchange, "");
    channel.publish(exchange, "", Buffer.from("broadcast"), { contentType: "text/plain" });

    for (const q of [a.queue, b.queue]) {
      let got: amqp.GetMessage | false = false;
      for (let i = 0; i < 50 && !got; i++) {
        got = await channel.get(q, { noAck: true });
        if (!got) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(got, `nothing in ${q}`);
      assert.equal(got.content.toString(), "broadcast");
      assert.equal(got.properties.contentType, "text/plain");
      assert.equal(got.fields.exchange, exchange);
    }
    await channel.close();
  } finally {
    await connection.close();
  }
});
