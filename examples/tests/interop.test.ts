import { test, after } from "node:test";
import assert from "node:assert/strict";
import { ServiceBusClient } from "@azure/service-bus";
import { connectionString } from "../src/connection.ts";

// The example host sent "dotnet-1" with the .NET SDK before the tests started; after them,
// run-tests.sh reads "js-1" back with the .NET SDK (host verify-interop).
const client = new ServiceBusClient(connectionString);
after(() => client.close());

test("interop: a message sent with the .NET SDK reads the same in JavaScript", async () => {
  const receiver = client.createReceiver("interop-dotnet-to-js");
  try {
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    assert.ok(m, "the .NET message is there");
    assert.deepEqual(m.body, { from: "dotnet" });
    assert.equal(m.messageId, "dotnet-1");
    assert.equal(m.correlationId, "corr-1");
    assert.equal(m.contentType, "application/json");
    assert.equal(m.subject, "interop");
    assert.equal(m.to, "js");
    assert.equal(m.replyTo, "dotnet-replies");
    assert.equal(m.timeToLive, 30 * 60 * 1000);
    assert.equal(m.applicationProperties?.text, "hello");
    assert.equal(m.applicationProperties?.int, 42);
    assert.equal(Number(m.applicationProperties?.long), 1234567890123);
    assert.equal(m.applicationProperties?.double, 2.5);
    assert.equal(m.applicationProperties?.bool, true);
    // An AMQP timestamp: rhea hands application properties over as decoded (a Date or epoch milliseconds).
    const when = m.applicationProperties?.when as Date | number;
    assert.equal(new Date(when).toISOString(), "2024-05-06T07:08:09.000Z");
    assert.ok((m.sequenceNumber?.toNumber() ?? 0) >= 1);
    assert.ok(m.enqueuedTimeUtc instanceof Date);
    await receiver.completeMessage(m);
  } finally {
    await receiver.close();
  }
});

test("interop: a message sent in JavaScript for the .NET SDK to read", async () => {
  const sender = client.createSender("interop-js-to-dotnet");
  await sender.sendMessages({
    body: { from: "js" },
    messageId: "js-1",
    correlationId: "corr-2",
    contentType: "application/json",
    subject: "interop",
    to: "dotnet",
    replyTo: "js-replies",
    timeToLive: 30 * 60 * 1000,
    applicationProperties: { text: "hi", int: 42, double: 2.5, bool: true, when: new Date(Date.UTC(2024, 4, 6, 7, 8, 9)) },
  });
  await sender.close();
});
