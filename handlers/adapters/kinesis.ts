import { PutRecordsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import type { KinesisEntry, KinesisPort } from "../core/analytics";
import { PublishError } from "../core/errors";

export class KinesisPublisher implements KinesisPort {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  /**
   * Per entry, null where Kinesis accepted it, else its ErrorCode; a response that does not line up counts every
   * entry failed (NoMatchingResponse). https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
   */
  async putRecords(entries: readonly KinesisEntry<unknown>[]): Promise<readonly (string | null)[]> {
    let records;
    try {
      const result = await this.client.send(
        new PutRecordsCommand({
          StreamName: this.streamName,
          Records: entries.map((entry) => ({ Data: entry.data, PartitionKey: entry.partitionKey })),
        }),
      );
      records = result.Records;
    } catch (error) {
      const code = error instanceof Error ? error.name : String(error);
      throw new PublishError(`PutRecords failed: ${code}`, true, { cause: error, code });
    }
    if (!records || records.length !== entries.length) return entries.map(() => "NoMatchingResponse");
    // Accepted means a sequence number and no error code; a result with neither is not taken as accepted.
    return records.map((record) => (record.ErrorCode ? record.ErrorCode : record.SequenceNumber ? null : "NoSequenceNumber"));
  }
}
