import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Which member takes which partitions: partition p of every topic goes to the same member
 * (the p-th of the sorted member ids, modulo their number), as Kafka Streams co-partitions.
 *
 * The lifecycle topics are all keyed by audioId with the same partition count, so one
 * recording's events, whatever their topic, reach one member of a group. That member is then
 * the only writer of the recording's documents, which matters where the database does not
 * isolate concurrent updates of one document: FerretDB 1.x applies an update by reading the
 * document, changing it in Go and writing it back, so two replicas updating one read-model
 * document at once lost a fact (docs/ARCHITECTURE.md, "One writer per recording").
 */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  partitionsByTopic: Readonly<Record<string, readonly number[]>>,
): Record<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out: Record<string, Record<string, number[]>> = {};
  if (!members.length) return out;
  for (const [topic, partitions] of Object.entries(partitionsByTopic)) {
    for (const p of [...partitions].sort((a, b) => a - b)) {
      const member = members[p % members.length]!;
      ((out[member] ??= {})[topic] ??= []).push(p);
    }
  }
  return out;
}

export const CO_PARTITIONED = 'CoPartitionedAssigner';

/** The kafkajs assigner over coPartitionedAssignment. */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED,
  version: 0,
  async assign({ members, topics }) {
    const partitionsByTopic = Object.fromEntries(
      topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]),
    );
    const assignment = coPartitionedAssignment(
      members.map((m) => m.memberId),
      partitionsByTopic,
    );
    // Every member gets an answer, an empty one when there are more members than partitions.
    return members.map(({ memberId }) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: assignment[memberId] ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: CO_PARTITIONED,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
