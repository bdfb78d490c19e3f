// Amazon SQS's JavaScript client, @aws-sdk/client-sqs, against Omnibus's SQS endpoint (SigV4 with test/test,
// the JSON protocol). The client checks the MD5 of every body and attribute set it sends and receives.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SQSClient,
  CreateQueueCommand,
  GetQueueUrlCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SendMessageBatchCommand,
  ReceiveMessageCommand,
  DeleteMessageCommand,
  DeleteMessageBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteQueueCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
} from "@aws-sdk/client-sqs";

const endpoint = process.env.OMNIBUS_SQS_ENDPOINT ?? "http://localhost:4566";

function client(secretAccessKey = "test"): SQSClient {
  return new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey }, maxAttempts: 1 });
}

const sqs = client();
const unique = (name: string) => `${name}-${Date.now()}`;

test("sqs (@aws-sdk/client-sqs): a queue is created, found, listed and its URL points back at the broker", async () => {
  const name = unique("js-orders");
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "40" } }));
  assert.equal(QueueUrl, `${endpoint}/000000000000/${name}`);
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, QueueUrl);
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
  assert.deepEqual(listed.QueueUrls, [QueueUrl]);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
  assert.equal(Attributes?.VisibilityTimeout, "40");
  assert.equal(Attributes?.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${name}`);
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: name })), QueueDoesNotExist);
});

test("sqs (@aws-sdk/client-sqs): messages with attributes are sent, received with long polling and deleted", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("js-messages") }));
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: JSON.stringify({ order: 42, note: "caf\u00e9" }),
      MessageAttributes: {
        tenant: { DataType: "String", StringValue: "acme" },
        amount: { DataType: "Number", StringValue: "12.50" },
        raw: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
      },
    }),
  );
  assert.ok(sent.MessageId);
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }),
  );
  const [m] = received.Messages ?? [];
  assert.equal(m.MessageId, sent.MessageId);
  assert.deepEqual(JSON.parse(m.Body!), { order: 42, note: "caf\u00e9" });
  assert.equal(m.MessageAttributes?.tenant.StringValue, "acme");
  assert.equal(m.MessageAttributes?.amount.StringValue, "12.50");
  assert.deepEqual([...(m.MessageAttributes?.raw.BinaryValue ?? [])], [1, 2, 3]);
  assert.equal(m.Attributes?.ApproximateReceiveCount, "1");
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
  assert.equal(empty.Messages, undefined);
});

test("sqs (@aws-sdk/client-sqs): batches report each entry, and visibility hands a message back", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("js-batch") }));
  const batch = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "a", MessageBody: "first" },
        { Id: "b", MessageBody: "second" },
        { Id: "bad", MessageBody: "nul \u0000" },
      ],
    }),
  );
  assert.deepEqual(batch.Successful?.map((s) => s.Id), ["a", "b"]);
  assert.equal(batch.Failed?.[0].Code, "InvalidMessageContents");
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
  assert.deepEqual(got.Messages?.map((m) => m.Body).sort(), ["first", "second"]);
  const [first, second] = got.Messages!;
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
  assert.equal(again.Messages?.[0].Body, first.Body);
  assert.equal(again.Messages?.[0].Attributes?.ApproximateReceiveCount, "2");
  const deleted = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "x", ReceiptHandle: again.Messages![0].ReceiptHandle },
        { Id: "y", ReceiptHandle: second.ReceiptHandle },
      ],
    }),
  );
  assert.equal(deleted.Successful?.length, 2);
  await assert.rejects(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "forged-forged-forged-forged-forged-forged-forged" })), ReceiptHandleIsInvalid);
});

test("sqs (@aws-sdk/client-sqs): a FIFO queue keeps a group's order and drops a repeated deduplication id", async () => {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: unique("js-fifo") + ".fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }),
  );
  for (const body of ["one", "two", "two", "three"]) {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: "g" }));
    assert.ok(sent.SequenceNumber);
  }
  const bodies: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
    assert.equal(r.Messages?.length, 1, "one message of a group at a time");
    bodies.push(r.Messages![0].Body!);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages![0].ReceiptHandle }));
  }
  assert.deepEqual(bodies, ["one", "two", "three"]);
});

test("sqs (@aws-sdk/client-sqs): a wrong secret is refused with SignatureDoesNotMatch", async () => {
  await assert.rejects(client("wrong").send(new ListQueuesCommand({})), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, "SignatureDoesNotMatch");
    assert.equal(e.$metadata?.httpStatusCode, 403);
    return true;
  });
});
