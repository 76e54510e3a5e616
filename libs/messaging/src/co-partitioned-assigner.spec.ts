import { AssignerProtocol, Partitioners, type Cluster, type PartitionMetadata } from 'kafkajs';
import { coPartitionedAssigner, coPartitionedAssignment } from './co-partitioned-assigner';

const lifecycle = { 'audio.uploaded': [0, 1, 2], 'chunk.created': [2, 0, 1], 'audio.chunked': [0, 1, 2] };

describe('coPartitionedAssignment', () => {
  it('gives partition p of every topic to the same member', () => {
    const out = coPartitionedAssignment(['query-b', 'query-a'], lifecycle);
    expect(out).toEqual({
      'query-a': { 'audio.uploaded': [0, 2], 'chunk.created': [0, 2], 'audio.chunked': [0, 2] },
      'query-b': { 'audio.uploaded': [1], 'chunk.created': [1], 'audio.chunked': [1] },
    });
  });

  it('so every event of one recording reaches one member, whichever topic it is on', () => {
    const members = ['m1', 'm2', 'm3'];
    const out = coPartitionedAssignment(members, lifecycle);
    // The producer's partitioner: murmur2 of the key modulo the topic's partition count.
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
    const partitionOf = (topic: string, key: string) =>
      partitioner({ topic, partitionMetadata, message: { key, value: null } });
    for (const audioId of ['a36c5aa3-ae2e-4b58-b702-2467f66b76c1', 'rec-1', 'rec-2', 'rec-3']) {
      const owners = new Set(
        Object.keys(lifecycle).map((topic) =>
          members.find((m) => out[m]?.[topic]?.includes(partitionOf(topic, audioId)))!,
        ),
      );
      expect(owners.size).toBe(1);
    }
  });

  it('assigns each partition exactly once, and is the same whatever order the members come in', () => {
    const topics = { work: [...Array(12).keys()], facts: [0, 1, 2] };
    const a = coPartitionedAssignment(['x', 'y', 'z', 'w', 'v'], topics);
    expect(coPartitionedAssignment(['v', 'w', 'z', 'y', 'x'], topics)).toEqual(a);
    for (const [topic, partitions] of Object.entries(topics)) {
      const given = Object.values(a).flatMap((t) => t[topic] ?? []);
      expect(given.sort((p, q) => p - q)).toEqual(partitions);
    }
    // 12 work partitions over 5 members: 3, 3, 2, 2, 2.
    expect(Object.values(a).map((t) => t.work!.length)).toEqual([3, 3, 2, 2, 2]);
  });

  it('leaves a member beyond the partition count without partitions', () => {
    const out = coPartitionedAssignment(['a', 'b', 'c', 'd'], { facts: [0, 1, 2] });
    expect(out['d']).toBeUndefined();
    expect(coPartitionedAssignment([], { facts: [0] })).toEqual({});
  });
});

describe('coPartitionedAssigner (kafkajs)', () => {
  it('encodes an assignment for every member, an empty one where nothing is left', async () => {
    const cluster = {
      findTopicPartitionMetadata: (topic: string) =>
        (lifecycle[topic as keyof typeof lifecycle] ?? []).map((partitionId) => ({ partitionId })),
    } as unknown as Cluster;
    const assigner = coPartitionedAssigner({ cluster, groupId: 'g', logger: undefined as never });
    const members = ['a', 'b', 'c', 'd'].map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) }));
    const result = await assigner.assign({ members, topics: ['chunk.created', 'audio.chunked'] });
    const decoded = Object.fromEntries(
      result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]),
    );
    expect(decoded).toEqual({
      a: { 'chunk.created': [0], 'audio.chunked': [0] },
      b: { 'chunk.created': [1], 'audio.chunked': [1] },
      c: { 'chunk.created': [2], 'audio.chunked': [2] },
      d: {},
    });
    const meta = AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['t'] }).metadata);
    expect(meta?.topics).toEqual(['t']);
  });
});
