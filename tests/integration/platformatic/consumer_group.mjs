// @platformatic/kafka's KIP-848 consumer (groupProtocol: 'consumer', the broker
// assigns through ConsumerGroupHeartbeat) against a running sluice-broker, run
// by tests/integration/test_platformatic_consumer_group.py:
//   two members of one group on a four-partition topic: both get partitions
//   (two each, uniform assignor), 2,000 records produced after they settled
//   are read exactly once across the two, byte-exact and on their partition;
//   commits; the group's committed offsets equal the end offsets.
// Prints "versions Name=v ..." (the highest version of each request sent).
//
// Usage: node consumer_group.mjs <host:port>. Exit status 0 when every check passed.

import {
  Admin,
  Consumer,
  MessagesStreamModes,
  Producer,
  connectionsApiChannel,
  stringDeserializers,
  stringSerializers
} from '@platformatic/kafka'

const broker = process.argv[2]
if (!broker || !/^[^:]+:\d+$/.test(broker)) {
  console.error('usage: node consumer_group.mjs <host:port>')
  process.exit(2)
}

const names = { 0: 'Produce', 1: 'Fetch', 2: 'ListOffsets', 3: 'Metadata', 8: 'OffsetCommit',
  9: 'OffsetFetch', 10: 'FindCoordinator', 11: 'JoinGroup', 68: 'ConsumerGroupHeartbeat' }
const versions = new Map()
connectionsApiChannel.start.subscribe(ev => {
  const name = names[ev.apiKey] ?? 'api' + ev.apiKey
  versions.set(name, Math.max(versions.get(name) ?? -1, ev.apiVersion))
})

const topic = 'plt-cg'
const partitions = 4
const records = 2000
const group = 'plt-cg-group'
const common = { bootstrapBrokers: [broker], retries: 2, retryDelay: 200, timeout: 10000 }
const valueOf = id => 'cg-' + id + '-' + 'x'.repeat(id % 100)

function check (cond, what) {
  if (!cond) throw new Error(what)
}
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

function owned (consumer) {
  const out = []
  for (const a of consumer.assignments ?? []) {
    if (a.topic === topic) for (const p of a.partitions) out.push(p)
  }
  return out.sort()
}

async function produce () {
  const producer = new Producer({ ...common, clientId: 'plt-cg-producer', serializers: stringSerializers })
  try {
    const messages = []
    for (let id = 0; id < records; id++) {
      messages.push({ topic, partition: id % partitions, key: 'k-' + id, value: valueOf(id), headers: { id: String(id) } })
    }
    for (let i = 0; i < records; i += 200) await producer.send({ messages: messages.slice(i, i + 200) })
  } finally {
    await producer.close()
  }
}

async function main () {
  const admin = new Admin({ ...common, clientId: 'plt-cg-admin' })
  const members = []
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
    for (const name of ['m1', 'm2']) {
      members.push(new Consumer({
        ...common, clientId: 'plt-cg-' + name, groupId: group, groupProtocol: 'consumer',
        deserializers: stringDeserializers
      }))
    }
    const seen = new Map()
    const last = new Map()
    const streams = []
    for (const m of members) {
      streams.push(await m.consume({ topics: [topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: 'earliest', autocommit: false }))
    }
    const deadline = Date.now() + 20000
    while (Date.now() < deadline) {
      const all = members.flatMap(owned).sort()
      if (members.every(m => owned(m).length === 2) && all.join() === '0,1,2,3') break
      await sleep(100)
    }
    check(members.every(m => owned(m).length === 2),
      'each member owns two partitions: ' + members.map(m => owned(m).join('+')).join(' / '))
    console.log('settled: %s', members.map(m => owned(m).join('+')).join(' / '))
    let done, failed
    const finished = new Promise((resolve, reject) => { done = resolve; failed = reject })
    const readers = streams.map((stream, i) => (async () => {
      for await (const m of stream) {
        const id = Number(m.headers.get('id'))
        check(!seen.has(id), 'record ' + id + ' read twice (by ' + seen.get(id) + ' and m' + (i + 1) + ')')
        check(m.key === 'k-' + id && m.value === valueOf(id), 'record ' + id + ' byte-exact')
        check(m.partition === id % partitions, 'record ' + id + ' on partition ' + m.partition)
        seen.set(id, 'm' + (i + 1))
        if (!last.has(m.partition) || last.get(m.partition).offset < m.offset) last.set(m.partition, m)
        if (seen.size === records) done()
      }
    })().catch(failed))
    // Produced only once both readers iterate: the library resumes a member's
    // stream when it revokes partitions, and a stream resumed before anything
    // reads it flows into nothing (Node's Readable.resume()): the member that
    // gave up partitions 2 and 3 lost the records fetched before its reader
    // started, though the broker had delivered them (its fetch offsets moved
    // on): a client-side effect.
    await produce()
    const timeout = sleep(30000).then(() => 'timeout')
    check(await Promise.race([finished, timeout]) !== 'timeout', 'read ' + seen.size + ' of ' + records + ' within 30 s')
    for (const l of last.values()) await l.commit()
    const by = [0, 0]
    for (const who of seen.values()) by[who === 'm1' ? 0 : 1]++
    check(by[0] > 0 && by[1] > 0, 'both members read records: ' + by)
    for (const m of members) await m.close(true)
    await Promise.allSettled(readers)
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
    console.log('two members read %d records exactly once (%d / %d); committed offsets are the end offsets', records, by[0], by[1])
  } finally {
    for (const m of members) if (!m.closed) await m.close(true).catch(() => {})
    await admin.close()
  }
  console.log('versions ' + [...versions].sort().map(([k, v]) => k + '=' + v).join(' '))
}

const timer = setTimeout(() => {
  console.error('FAIL: program time limit of 70 s reached')
  console.log('versions ' + [...versions].sort().map(([k, v]) => k + '=' + v).join(' '))
  process.exit(1)
}, 70000)
main().then(() => { clearTimeout(timer); process.exit(0) }, e => {
  console.error('FAIL: ' + (e.stack || e))
  console.log('versions ' + [...versions].sort().map(([k, v]) => k + '=' + v).join(' '))
  process.exit(1)
})
