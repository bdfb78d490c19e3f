// kafkajs 2.2.4 against Omnibus's Kafka listener (PLAINTEXT, as Kafka's default): the admin client,
// keyed producers, consumer groups with rebalances and committed offsets, replay, the idempotent
// producer, compression, and a record that the Service Bus SDK reads from the topic's subscription.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Kafka, logLevel, CompressionTypes, type Consumer, type EachMessagePayload } from "kafkajs";
import { ServiceBusClient } from "@azure/service-bus";
import { connectionString } from "../src/connection.ts";

const brokers = [process.env.OMNIBUS_KAFKA_BROKERS ?? "localhost:9092"];
const kafka = new Kafka({ clientId: "omnibus-examples", brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
const unique = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1000)}`;
const admin = kafka.admin();
await admin.connect();
after(() => admin.disconnect());

async function topic(name: string, partitions = 1): Promise<string> {
  assert.equal(await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true }), true);
  return name;
}

/** Runs a consumer until `count` messages arrived (or the time-out), then returns them in arrival order. */
async function consumeUntil(consumer: Consumer, count: number, timeoutMs = 20_000): Promise<EachMessagePayload[]> {
  const got: EachMessagePayload[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async (payload) => {
      got.push(payload);
      if (got.length >= count) done();
    },
  });
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  return got;
}

test("kafka (kafkajs): the admin client creates, lists, describes, grows and deletes a topic", async () => {
  const name = await topic(unique("js-admin"), 2);
  assert.ok((await admin.listTopics()).includes(name));
  const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
  assert.equal(topics[0].partitions.length, 2);
  await admin.createPartitions({ topicPartitions: [{ topic: name, count: 3 }] });
  assert.equal((await admin.fetchTopicMetadata({ topics: [name] })).topics[0].partitions.length, 3);
  const offsets = await admin.fetchTopicOffsets(name);
  assert.deepEqual(offsets.map((o) => o.offset).sort(), ["0", "0", "0"]);
  await admin.deleteTopics({ topics: [name] });
  assert.ok(!(await admin.listTopics()).includes(name));
});

test("kafka (kafkajs): keyed records keep their partition and order, headers repeat, null keys and values pass", async () => {
  const name = await topic(unique("js-keyed"), 3);
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 30 }, (_, i) => ({ key: `customer-${i % 3}`, value: `event-${i}`, headers: { seq: String(i), tag: ["a", "b"] } }));
  const results = await producer.send({ topic: name, acks: -1, messages });
  assert.ok(results.every((r) => r.errorCode === 0));
  await producer.send({ topic: name, messages: [{ key: null, value: "no key", partition: 0 }, { key: "tombstone", value: null, partition: 0 }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: unique("js-keyed-group") });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  const got = await consumeUntil(consumer, 32);
  await consumer.disconnect();

  assert.equal(got.length, 32);
  const partitionOfKey = new Map<string, number>();
  const lastSeqOfKey = new Map<string, number>();
  for (const { partition, message } of got.filter((p) => p.message.headers?.seq !== undefined)) {
    const key = message.key!.toString();
    assert.equal(partitionOfKey.get(key) ?? partition, partition, "one key, one partition");
    partitionOfKey.set(key, partition);
    const seq = Number(message.headers!.seq!.toString());
    assert.ok(seq > (lastSeqOfKey.get(key) ?? -1), "a key's records in the order produced");
    lastSeqOfKey.set(key, seq);
    assert.deepEqual((message.headers!.tag as Buffer[]).map((b) => b.toString()), ["a", "b"]);
  }
  const noKey = got.find((p) => p.message.value?.toString() === "no key")!;
  assert.equal(noKey.message.key, null);
  const tombstone = got.find((p) => p.message.key?.toString() === "tombstone")!;
  assert.equal(tombstone.message.value, null);
});

test("kafka (kafkajs): a second member rebalances the group, and a restarted group resumes from its committed offset", async () => {
  const name = await topic(unique("js-group"), 4);
  const groupId = unique("js-group");
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: name, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });

  const first = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const second = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const assignments = new Map<string, number[]>();
  for (const [label, consumer] of [["first", first], ["second", second]] as const) {
    consumer.on(consumer.events.GROUP_JOIN, (e) => assignments.set(label, e.payload.memberAssignment[name] ?? []));
  }
  await first.connect();
  await first.subscribe({ topic: name, fromBeginning: true });
  const seen = new Set<string>();
  const onMessage = async ({ message }: EachMessagePayload) => {
    seen.add(message.value!.toString());
  };
  await first.run({ eachMessage: onMessage });
  await second.connect();
  await second.subscribe({ topic: name, fromBeginning: true });
  await second.run({ eachMessage: onMessage });

  const deadline = Date.now() + 30_000;
  while ((seen.size < 40 || assignments.size < 2 || [...assignments.values()].some((a) => a.length !== 2)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(seen.size, 40, "every record read once the group settled");
  assert.deepEqual([...assignments.values()].flat().sort(), [0, 1, 2, 3], "the four partitions split between the two members");
  await first.disconnect();
  await second.disconnect();

  await producer.send({ topic: name, messages: [{ key: "k-after", value: "after restart" }] });
  await producer.disconnect();
  const restarted = kafka.consumer({ groupId });
  await restarted.connect();
  await restarted.subscribe({ topic: name, fromBeginning: true });
  const resumed = await consumeUntil(restarted, 1);
  await restarted.disconnect();
  assert.deepEqual(resumed.map((p) => p.message.value!.toString()), ["after restart"], "only what came after the committed offsets");
});

test("kafka (kafkajs): a consumer seeks back and replays a partition from an offset", async () => {
  const name = await topic(unique("js-replay"));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: name, messages: Array.from({ length: 10 }, (_, i) => ({ value: `r${i}` })) });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: unique("js-replay-group") });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  const got: string[] = [];
  let sought = false;
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      got.push(`${message.offset}:${message.value}`);
      if (message.offset === "9" && !sought) {
        sought = true;
        consumer.seek({ topic: name, partition: 0, offset: "6" });
      }
    },
  });
  const deadline = Date.now() + 20_000;
  while (got.length < 14 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  assert.deepEqual(got.slice(0, 14), [...Array.from({ length: 10 }, (_, i) => `${i}:r${i}`), "6:r6", "7:r7", "8:r8", "9:r9"]);
});

test("kafka (kafkajs): an idempotent producer and a gzip batch are each stored once and read back", async () => {
  const name = await topic(unique("js-idempotent"));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < 5; i++) await producer.send({ topic: name, acks: -1, messages: [{ value: `plain-${i}` }] });
  await producer.send({ topic: name, acks: -1, compression: CompressionTypes.GZIP, messages: Array.from({ length: 20 }, (_, i) => ({ value: `gzip-${i}`.repeat(20) })) });
  await producer.disconnect();

  const offsets = await admin.fetchTopicOffsets(name);
  assert.equal(offsets[0].high, "25");
  const consumer = kafka.consumer({ groupId: unique("js-idempotent-group") });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  const got = await consumeUntil(consumer, 25);
  await consumer.disconnect();
  assert.deepEqual(
    got.map((p) => p.message.value!.toString()),
    [...Array.from({ length: 5 }, (_, i) => `plain-${i}`), ...Array.from({ length: 20 }, (_, i) => `gzip-${i}`.repeat(20))],
  );
});

test("kafka (kafkajs): a record produced to a topic reaches its Service Bus subscription with key and headers", async () => {
  const producer = kafka.producer();
  await producer.connect();
  const marker = unique("from-kafkajs");
  await producer.send({ topic: "kafka-interop", acks: -1, messages: [{ key: "order-7", value: JSON.stringify({ marker }), headers: { source: "kafkajs" } }] });
  await producer.disconnect();

  const client = new ServiceBusClient(connectionString);
  const receiver = client.createReceiver("kafka-interop", "from-kafka");
  try {
    const deadline = Date.now() + 10_000;
    let found = undefined;
    while (!found && Date.now() < deadline) {
      const batch = await receiver.receiveMessages(10, { maxWaitTimeInMs: 2000 });
      for (const m of batch) {
        await receiver.completeMessage(m);
        const body = Buffer.isBuffer(m.body) ? m.body.toString() : typeof m.body === "string" ? m.body : JSON.stringify(m.body);
        if (body.includes(marker)) found = m;
      }
    }
    assert.ok(found, "the Kafka record is on the subscription");
    assert.equal(found.applicationProperties?.source, "kafkajs");
    assert.equal(found.partitionKey, "order-7", "the record key is the partition key");
    assert.ok(found.messageId, "the Service Bus SDK gets a message id");
  } finally {
    await receiver.close();
    await client.close();
  }
});

test("kafka (kafkajs): a read_committed consumer sees a committed transaction and never an aborted one", async () => {
  const name = await topic(unique("js-txn"));
  const producer = kafka.producer({ transactionalId: unique("js-txn-producer"), idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const aborted = await producer.transaction();
  await aborted.send({ topic: name, messages: [{ value: "aborted-1" }, { value: "aborted-2" }] });
  await aborted.abort();
  const committed = await producer.transaction();
  await committed.send({ topic: name, messages: [{ value: "committed-1" }, { value: "committed-2" }] });
  await committed.commit();
  await producer.disconnect();

  const readCommitted = kafka.consumer({ groupId: unique("js-txn-committed"), readUncommitted: false });
  await readCommitted.connect();
  await readCommitted.subscribe({ topic: name, fromBeginning: true });
  const got = await consumeUntil(readCommitted, 2);
  // Wait a moment longer: nothing aborted may follow.
  await new Promise((r) => setTimeout(r, 1000));
  await readCommitted.disconnect();
  assert.deepEqual(got.map((p) => p.message.value!.toString()), ["committed-1", "committed-2"]);

  const readUncommitted = kafka.consumer({ groupId: unique("js-txn-uncommitted"), readUncommitted: true });
  await readUncommitted.connect();
  await readUncommitted.subscribe({ topic: name, fromBeginning: true });
  const all = await consumeUntil(readUncommitted, 4);
  await readUncommitted.disconnect();
  assert.deepEqual(all.map((p) => p.message.value!.toString()), ["aborted-1", "aborted-2", "committed-1", "committed-2"]);
});
