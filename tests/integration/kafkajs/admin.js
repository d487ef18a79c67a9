// The kafkajs admin client against the broker: createTopics with partition
// counts and config entries, listTopics, fetchTopicMetadata, describeConfigs,
// alterConfigs, createPartitions (and a record produced to a new partition),
// deleteTopicRecords, deleteTopics;
// and the errors a user gets for a duplicate topic, a bad topic name, a bad
// config value, shrinking a topic, and deleting or describing a topic that
// does not exist.

'use strict'

const { ConfigResourceTypes } = require('kafkajs')
const { client, check, expectError, main } = require('./common')

const KEPT = 'kafkajs-admin-kept'
const DROPPED = 'kafkajs-admin-dropped'

async function describeTopicConfig(admin, topic, configNames) {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames }],
    includeSynonyms: false,
  })
  check(resources.length === 1, 'describeConfigs resources: ' + JSON.stringify(resources))
  const r = resources[0]
  check(
    r.errorCode === 0 && r.resourceName === topic,
    'describeConfigs ' + topic + ': ' + JSON.stringify(r)
  )
  return new Map(r.configEntries.map(e => [e.configName, e]))
}

async function partitionsOf(admin, topic) {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  check(
    topics.length === 1 && topics[0].name === topic,
    'fetchTopicMetadata ' + topic + ': ' + JSON.stringify(topics)
  )
  return topics[0].partitions.slice().sort((a, b) => a.partitionId - b.partitionId)
}

async function createAndInspect(admin) {
  const created = await admin.createTopics({
    topics: [
      {
        topic: KEPT,
        numPartitions: 3,
        configEntries: [{ name: 'retention.ms', value: '3600000' }],
      },
      { topic: DROPPED, numPartitions: 1 },
    ],
  })
  check(created === true, 'createTopics returned ' + created)
  const again = await admin.createTopics({ topics: [{ topic: KEPT, numPartitions: 3 }] })
  check(
    again === false,
    'createTopics of an existing topic returned ' +
      again +
      ' (kafkajs returns false on TOPIC_ALREADY_EXISTS)'
  )
  console.log('createTopics: created two topics; a duplicate gave TOPIC_ALREADY_EXISTS')

  const listed = await admin.listTopics()
  check(listed.includes(KEPT) && listed.includes(DROPPED), 'listTopics: ' + JSON.stringify(listed))

  const { brokers } = await admin.describeCluster()
  check(brokers.length === 1, 'describeCluster brokers: ' + JSON.stringify(brokers))
  const parts = await partitionsOf(admin, KEPT)
  check(parts.length === 3, KEPT + ' has ' + parts.length + ' partitions, created with 3')
  parts.forEach((p, i) => {
    check(
      p.partitionId === i && p.partitionErrorCode === 0,
      'partition metadata ' + JSON.stringify(p)
    )
    check(
      p.leader === brokers[0].nodeId,
      'partition ' + i + ' leader ' + p.leader + ', broker is ' + brokers[0].nodeId
    )
  })
  console.log('listTopics and fetchTopicMetadata show both topics, %s with 3 partitions', KEPT)

  const one = await describeTopicConfig(admin, KEPT, ['retention.ms'])
  const retention = one.get('retention.ms')
  check(
    retention && retention.configValue === '3600000',
    'retention.ms: ' + JSON.stringify(retention)
  )
  check(retention.isDefault === false, 'retention.ms set at creation reported as a default')
  const all = await describeTopicConfig(admin, KEPT, undefined)
  check(
    all.size > 1 && all.get('retention.ms').configValue === '3600000',
    'all configs: ' + JSON.stringify([...all.keys()])
  )
  const other = await describeTopicConfig(admin, DROPPED, ['retention.ms'])
  check(
    other.get('retention.ms') && other.get('retention.ms').configValue !== '3600000',
    DROPPED + " got the other topic's retention.ms"
  )
  console.log('describeConfigs: retention.ms=3600000 on %s only, %d configs in all', KEPT, all.size)

  await admin.alterConfigs({
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: KEPT,
        configEntries: [{ name: 'retention.ms', value: '7200000' }],
      },
    ],
  })
  const altered = (await describeTopicConfig(admin, KEPT, ['retention.ms'])).get('retention.ms')
  check(
    altered && altered.configValue === '7200000',
    'retention.ms after alterConfigs: ' + JSON.stringify(altered)
  )
  console.log('alterConfigs: retention.ms is now 7200000')
}

async function growTopic(kafka, admin) {
  await admin.createPartitions({ topicPartitions: [{ topic: KEPT, count: 5 }] })
  const parts = await partitionsOf(admin, KEPT)
  check(
    parts.length === 5,
    KEPT + ' has ' + parts.length + ' partitions after createPartitions to 5'
  )

  // kafkajs's producer caches metadata; a fresh one sees the new partitions.
  const producer = kafka.producer()
  await producer.connect()
  const [reply] = await producer.send({
    topic: KEPT,
    messages: [{ partition: 4, value: 'on the new partition' }],
  })
  await producer.disconnect()
  check(
    reply.partition === 4 && reply.errorCode === 0,
    'produce to new partition 4: ' + JSON.stringify(reply)
  )
  const ends = await admin.fetchTopicOffsets(KEPT)
  const p4 = ends.find(e => e.partition === 4)
  check(
    ends.length === 5 && p4 && p4.high === '1',
    'end offsets after one record on partition 4: ' + JSON.stringify(ends)
  )

  await admin.deleteTopicRecords({ topic: KEPT, partitions: [{ partition: 4, offset: '1' }] })
  const after = (await admin.fetchTopicOffsets(KEPT)).find(e => e.partition === 4)
  check(
    after.low === '1' && after.high === '1',
    'partition 4 after deleteTopicRecords before 1: ' + JSON.stringify(after)
  )

  await expectError('createPartitions shrinking 5 to 2', 'INVALID_PARTITIONS', () =>
    admin.createPartitions({ topicPartitions: [{ topic: KEPT, count: 2 }] })
  )
  check(
    (await partitionsOf(admin, KEPT)).length === 5,
    'a refused shrink changed the partition count'
  )
  console.log('createPartitions 3 -> 5, deleteTopicRecords on partition 4; shrinking refused')
}

async function badRequests(admin) {
  await expectError('createTopics with an illegal name', 'INVALID_TOPIC_EXCEPTION', () =>
    admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1 }] })
  )
  await expectError('createTopics with retention.ms=soon', 'INVALID_CONFIG', () =>
    admin.createTopics({
      topics: [
        {
          topic: 'kafkajs-admin-badconfig',
          configEntries: [{ name: 'retention.ms', value: 'soon' }],
        },
      ],
    })
  )
  const listed = await admin.listTopics()
  check(
    !listed.includes('kafkajs-admin-badconfig'),
    'a topic refused for its config was created anyway'
  )
  await expectError('describeConfigs of a missing topic', 'UNKNOWN_TOPIC_OR_PARTITION', () =>
    admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kafkajs-admin-missing' }],
    })
  )
  await expectError('deleteTopics of a missing topic', 'UNKNOWN_TOPIC_OR_PARTITION', () =>
    admin.deleteTopics({ topics: ['kafkajs-admin-missing'] })
  )
  console.log(
    'errors: INVALID_TOPIC_EXCEPTION, INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION as expected'
  )
}

async function deleteOne(admin) {
  await admin.deleteTopics({ topics: [DROPPED] })
  const listed = await admin.listTopics()
  check(
    !listed.includes(DROPPED),
    'listTopics after deleting ' + DROPPED + ': ' + JSON.stringify(listed)
  )
  check(listed.includes(KEPT), 'deleting ' + DROPPED + ' also removed ' + KEPT)
  console.log('deleteTopics: %s is gone from listTopics, %s remains', DROPPED, KEPT)
}

main(async () => {
  const kafka = client('kafkajs-admin')
  const admin = kafka.admin()
  await admin.connect()
  await createAndInspect(admin)
  await growTopic(kafka, admin)
  await badRequests(admin)
  await deleteOne(admin)
  await admin.disconnect()
})
