import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { EnqueueError } from "../core/errors";

export interface EventQueuePort {
  /** Resolves once SQS has durably stored the message; throws EnqueueError otherwise. */
  send(messageBody: string): Promise<{ messageId: string }>;
}

export class SqsEventQueue implements EventQueuePort {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messageBody: string): Promise<{ messageId: string }> {
    try {
      const result = await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: messageBody }));
      if (!result.MessageId) throw new Error("SendMessage returned no MessageId");
      return { messageId: result.MessageId };
    } catch (error) {
      throw new EnqueueError(`SendMessage failed: ${error instanceof Error ? error.name : String(error)}`, true, { cause: error });
    }
  }
}
