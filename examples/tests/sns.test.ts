// Amazon SNS's JavaScript client, @aws-sdk/client-sns, against Omnibus's AWS endpoint (SigV4 with test/test,
// the query protocol, XML answers). Deliveries are read back with @aws-sdk/client-sqs: an SNS topic is the
// broker's topic of that name, and an SQS subscription a binding of it to the queue.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient,
  CreateTopicCommand,
  DeleteTopicCommand,
  ListTopicsCommand,
  GetTopicAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  ListSubscriptionsCommand,
  ListSubscriptionsByTopicCommand,
  GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand,
  PublishCommand,
  PublishBatchCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  NotFoundException,
  InvalidParameterException,
  AuthorizationErrorException,
} from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand, type Message } from "@aws-sdk/client-sqs";

const endpoint = process.env.OMNIBUS_SQS_ENDPOINT ?? "http://localhost:4566";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const sns = new SNSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
const unique = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1000)}`;

async function queue(name: string, fifo = false): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : undefined }),
  );
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function receiveAll(url: string, expected: number, waitSeconds = 3): Promise<Message[]> {
  const got: Message[] = [];
  const deadline = Date.now() + waitSeconds * 1000;
  while (got.length < expected && Date.now() < deadline) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }),
    );
    got.push(...(r.Messages ?? []));
  }
  return got;
}

test("sns (@aws-sdk/client-sns): a topic is created idempotently, listed, described, changed, tagged and deleted", async () => {
  const name = unique("js-topic");
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: "Orders" }, Tags: [{ Key: "team", Value: "a" }] }));
  assert.equal(TopicArn, `arn:aws:sns:us-east-1:000000000000:${name}`);
  assert.equal((await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn, TopicArn);
  await assert.rejects(sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: "Other" } })), InvalidParameterException);

  const listed = await sns.send(new ListTopicsCommand({}));
  assert.ok(listed.Topics?.some((t) => t.TopicArn === TopicArn));

  await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "DisplayName", AttributeValue: "Orders 2" }));
  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(Attributes?.DisplayName, "Orders 2");
  assert.equal(Attributes?.TopicArn, TopicArn);
  assert.equal(Attributes?.SubscriptionsConfirmed, "0");

  await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "env", Value: "test" }] }));
  await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ["team"] }));
  const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(Tags, [{ Key: "env", Value: "test" }]);

  await sns.send(new DeleteTopicCommand({ TopicArn }));
  await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn })), NotFoundException);
  await sns.send(new DeleteTopicCommand({ TopicArn })); // deleting again is no error
});

test("sns (@aws-sdk/client-sns): a publish reaches a subscribed queue in the JSON notification envelope", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-envelope") }));
  const q = await queue(unique("js-envelope-q"));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, ReturnSubscriptionArn: true }));
  assert.match(SubscriptionArn!, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));

  const published = await sns.send(
    new PublishCommand({
      TopicArn,
      Message: "order 42 placed",
      Subject: "orders",
      MessageAttributes: {
        tenant: { DataType: "String", StringValue: "acme" },
        amount: { DataType: "Number", StringValue: "12.5" },
        tags: { DataType: "String.Array", StringValue: '["a","b"]' },
      },
    }),
  );
  assert.ok(published.MessageId);

  const [m] = await receiveAll(q.url, 1);
  assert.ok(m, "the queue got the notification");
  assert.equal(m.MessageAttributes, undefined, "a notification carries its attributes in the body");
  const envelope = JSON.parse(m.Body!);
  assert.equal(envelope.Type, "Notification");
  assert.equal(envelope.MessageId, published.MessageId);
  assert.equal(envelope.TopicArn, TopicArn);
  assert.equal(envelope.Subject, "orders");
  assert.equal(envelope.Message, "order 42 placed");
  assert.equal(envelope.SignatureVersion, "1");
  assert.ok(envelope.Signature && envelope.SigningCertURL && envelope.UnsubscribeURL.includes("Action=Unsubscribe"));
  assert.ok(!Number.isNaN(Date.parse(envelope.Timestamp)));
  assert.deepEqual(envelope.MessageAttributes, {
    tenant: { Type: "String", Value: "acme" },
    amount: { Type: "Number", Value: "12.5" },
    tags: { Type: "String.Array", Value: '["a","b"]' },
  });
});

test("sns (@aws-sdk/client-sns): raw delivery passes body and attributes through, and MessageStructure=json picks the sqs entry", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-raw") }));
  const q = await queue(unique("js-raw-q"));
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }),
  );
  const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
  assert.equal(attrs.Attributes?.RawMessageDelivery, "true");
  assert.equal(attrs.Attributes?.Protocol, "sqs");
  assert.equal(attrs.Attributes?.Endpoint, q.arn);

  await sns.send(new PublishCommand({ TopicArn, Message: "raw body", MessageAttributes: { tenant: { DataType: "String", StringValue: "acme" } } }));
  await sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: JSON.stringify({ default: "for everyone", sqs: "for queues" }) }));
  const got = await receiveAll(q.url, 2);
  const bodies = got.map((m) => m.Body).sort();
  assert.deepEqual(bodies, ["for queues", "raw body"]);
  const first = got.find((m) => m.Body === "raw body")!;
  assert.equal(first.MessageAttributes?.tenant.StringValue, "acme");
});

test("sns (@aws-sdk/client-sns): filter policies on attributes and on the body drop and pass messages", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-filter") }));
  const byAttributes = await queue(unique("js-filter-attr"));
  const byBody = await queue(unique("js-filter-body"));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: "sqs",
      Endpoint: byAttributes.arn,
      Attributes: {
        RawMessageDelivery: "true",
        FilterPolicy: JSON.stringify({ tenant: ["acme", { prefix: "big-" }], amount: [{ numeric: [">=", 100] }] }),
      },
    }),
  );
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: "sqs",
      Endpoint: byBody.arn,
      Attributes: { RawMessageDelivery: "true", FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ order: { kind: ["rush"] } }) },
    }),
  );
  const publish = (body: object, tenant: string, amount: string) =>
    sns.send(
      new PublishCommand({
        TopicArn,
        Message: JSON.stringify(body),
        MessageAttributes: { tenant: { DataType: "String", StringValue: tenant }, amount: { DataType: "Number", StringValue: amount } },
      }),
    );
  await publish({ n: 1, order: { kind: "rush" } }, "acme", "150"); // both
  await publish({ n: 2, order: { kind: "slow" } }, "big-co", "100"); // attributes only
  await publish({ n: 3, order: { kind: "rush" } }, "acme", "5"); // body only
  await publish({ n: 4, order: { kind: "slow" } }, "other", "500"); // neither

  const a = (await receiveAll(byAttributes.url, 2)).map((m) => JSON.parse(m.Body!).n).sort();
  const b = (await receiveAll(byBody.url, 2)).map((m) => JSON.parse(m.Body!).n).sort();
  assert.deepEqual(a, [1, 2]);
  assert.deepEqual(b, [1, 3]);

  // A changed policy takes effect for the next publish.
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: JSON.stringify({ order: { kind: ["slow"] } }) }));
  await publish({ n: 5, order: { kind: "slow" } }, "x", "1");
  assert.deepEqual((await receiveAll(byBody.url, 1)).map((m) => JSON.parse(m.Body!).n), [5]);

  await assert.rejects(
    sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"a": [{"nope": 1}]}' })),
    InvalidParameterException,
  );
});

test("sns (@aws-sdk/client-sns): subscriptions are listed, and an unsubscribed queue gets nothing more", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-unsub") }));
  const q = await queue(unique("js-unsub-q"));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn }));
  // Subscribing the same queue again answers the same subscription.
  assert.equal((await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn }))).SubscriptionArn, SubscriptionArn);
  const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.deepEqual(byTopic.Subscriptions, [{ SubscriptionArn, Owner: "000000000000", Protocol: "sqs", Endpoint: q.arn, TopicArn }]);
  const all = await sns.send(new ListSubscriptionsCommand({}));
  assert.ok(all.Subscriptions?.some((s) => s.SubscriptionArn === SubscriptionArn));

  await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  await sns.send(new PublishCommand({ TopicArn, Message: "nobody listens" }));
  assert.equal((await receiveAll(q.url, 1, 1.5)).length, 0);
  await assert.rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), NotFoundException);
});

test("sns (@aws-sdk/client-sns): PublishBatch reports each entry, and FIFO topics keep group order and drop duplicates", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-batch") }));
  const q = await queue(unique("js-batch-q"));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
  const batch = await sns.send(
    new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: "a", Message: "one" },
        { Id: "b", Message: "" },
        { Id: "c", Message: "three" },
      ],
    }),
  );
  assert.deepEqual(batch.Successful?.map((s) => s.Id), ["a", "c"]);
  assert.equal(batch.Failed?.[0].Id, "b");
  assert.equal(batch.Failed?.[0].Code, "InvalidParameter");
  assert.equal(batch.Failed?.[0].SenderFault, true);
  assert.deepEqual((await receiveAll(q.url, 2)).map((m) => m.Body).sort(), ["one", "three"]);

  const fifoName = unique("js-fifo") + ".fifo";
  const fifo = await sns.send(new CreateTopicCommand({ Name: fifoName, Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } }));
  const fq = await queue(unique("js-fifo-q") + ".fifo", true);
  await sns.send(new SubscribeCommand({ TopicArn: fifo.TopicArn, Protocol: "sqs", Endpoint: fq.arn, Attributes: { RawMessageDelivery: "true" } }));
  const p1 = await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "first", MessageGroupId: "g" }));
  assert.ok(p1.SequenceNumber);
  await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "first", MessageGroupId: "g" })); // duplicate
  await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "second", MessageGroupId: "g", MessageDeduplicationId: "d2" }));
  await assert.rejects(sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "no group" })), InvalidParameterException);
  const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: fq.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
  assert.deepEqual(first.Messages?.map((m) => m.Body), ["first"], "one message of the group in flight at a time");
});

test("sns (@aws-sdk/client-sns): errors come in SNS's shape", async () => {
  await assert.rejects(sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:no-such-topic", Message: "x" })), (e: any) => {
    assert.ok(e instanceof NotFoundException);
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
  await assert.rejects(sns.send(new CreateTopicCommand({ Name: "bad name!" })), InvalidParameterException);
  await assert.rejects(sns.send(new CreateTopicCommand({ Name: "plain", Attributes: { FifoTopic: "true" } })), InvalidParameterException);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("js-errors") }));
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:missing-queue" })), InvalidParameterException);
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: "https", Endpoint: "https://example.com/hook" })), InvalidParameterException);
  const wrongSecret = new SNSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "wrong" }, maxAttempts: 1 });
  await assert.rejects(wrongSecret.send(new ListTopicsCommand({})), (e: any) => {
    assert.equal(e.name, "SignatureDoesNotMatch");
    assert.equal(e.$metadata.httpStatusCode, 403);
    return true;
  });
  void AuthorizationErrorException;
});
