// kafkajs producer -> broker -> kafkajs consumer group, as a user would run
// them: a 3-partition topic created through the admin client, 1000 records
// sent in calls of many records each (one call gzip-compressed, one through
// sendBatch, one with acks=1 and one with acks=0, some to a named partition,
// one with a null value), read back by a group consumer from the beginning.
// Every record must arrive exactly once with the key, value, headers and
// timestamp it was sent with, each partition in offset order with no gap; the
// group's committed offsets must end equal to the partitions' end offsets.

'use strict'

const { CompressionTypes, Partitioners } = require('kafkajs')
const { client, check, main, sleep, text, waitFor } = require('./common')

const TOPIC = 'kafkajs-roundtrip'
const GROUP = 'kafkajs-roundtrip-group'
const COUNT = 1000
const BASE_TS = 1700000000000

// Record i, as sent. Its "seq" header identifies it on the way back, since
// some records have no key and one has no value.
function record(i) {
  const r = {
    key: i % 97 === 0 ? null : 'key-' + (i % 40),
    value: i === 500 ? null : 'value-' + i + '-' + 'x'.repeat(i % 300),
    headers: { seq: String(i), kind: i % 2 ? 'odd' : 'even' },
  }
  if (i % 10 === 0) r.headers.tag = ['first', 'second'] // a repeated header key
  if (i % 7 === 0) r.timestamp = String(BASE_TS + i)
  if (i % 13 === 0) r.partition = i % 3
  return r
}

async function produce(kafka) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const sent = []
  for (let start = 0; start < COUNT; start += 100) {
    const messages = []
    for (let i = start; i < start + 100; i++) messages.push(record(i))
    let replies
    if (start === 300) {
      replies = await producer.send({ topic: TOPIC, messages, compression: CompressionTypes.GZIP })
    } else if (start === 600) {
      replies = await producer.sendBatch({
        topicMessages: [
          { topic: TOPIC, messages: messages.slice(0, 50) },
          { topic: TOPIC, messages: messages.slice(50) },
        ],
      })
    } else if (start === 700) {
      replies = await producer.send({ topic: TOPIC, messages, acks: 1 })
    } else if (start === 800) {
      // acks=0: no produce response at all; the consumer must still see them.
      replies = await producer.send({ topic: TOPIC, messages, acks: 0 })
    } else {
      replies = await producer.send({ topic: TOPIC, messages })
    }
    for (const r of replies) {
      check(
        r.errorCode === 0,
        'produce reply for partition ' + r.partition + ': ' + JSON.stringify(r)
      )
    }
    sent.push(...messages)
  }
  await producer.disconnect()
  console.log(
    'produced %d records in 10 calls (gzip, sendBatch, acks 1 and 0 among them)',
    sent.length
  )
}

function headerText(h) {
  const out = {}
  for (const [k, v] of Object.entries(h || {})) out[k] = Array.isArray(v) ? v.map(text) : text(v)
  return out
}

async function consume(kafka) {
  const consumer = kafka.consumer({
    groupId: GROUP,
    sessionTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  })
  await consumer.connect()
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
  const got = []
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      got.push({
        partition,
        offset: Number(message.offset),
        key: text(message.key),
        value: text(message.value),
        headers: headerText(message.headers),
        timestamp: message.timestamp,
      })
    },
  })
  await waitFor(
    COUNT + ' records consumed (have ' + got.length + ')',
    () => got.length >= COUNT,
    25000
  )
  await sleep(500) // a duplicate delivered right after the last record shows up here
  await consumer.disconnect() // commits what was consumed and leaves the group
  return got
}

function verify(got) {
  check(got.length === COUNT, 'consumed ' + got.length + ' records, sent ' + COUNT)
  const bySeq = new Map()
  for (const m of got) {
    const seq = Number(m.headers.seq)
    check(!bySeq.has(seq), 'record ' + seq + ' delivered twice')
    bySeq.set(seq, m)
  }
  const keyPartition = new Map()
  for (let i = 0; i < COUNT; i++) {
    const want = record(i)
    const m = bySeq.get(i)
    check(m, 'record ' + i + ' never arrived')
    check(m.key === want.key, 'record ' + i + ' key ' + m.key + ', sent ' + want.key)
    check(m.value === want.value, 'record ' + i + ' value differs: got ' + JSON.stringify(m.value))
    const wantHeaders = headerText(want.headers)
    check(
      JSON.stringify(m.headers) === JSON.stringify(wantHeaders),
      'record ' +
        i +
        ' headers ' +
        JSON.stringify(m.headers) +
        ', sent ' +
        JSON.stringify(wantHeaders)
    )
    if (want.timestamp) {
      check(m.timestamp === want.timestamp, 'record ' + i + ' timestamp ' + m.timestamp)
    }
    if (want.partition !== undefined) {
      check(
        m.partition === want.partition,
        'record ' + i + ' on partition ' + m.partition + ', sent to ' + want.partition
      )
    } else if (want.key !== null) {
      const p = keyPartition.get(want.key)
      check(
        p === undefined || p === m.partition,
        'key ' + want.key + ' on partitions ' + p + ' and ' + m.partition
      )
      keyPartition.set(want.key, m.partition)
    }
  }
  const perPartition = [[], [], []]
  for (const m of got) perPartition[m.partition].push(m.offset)
  perPartition.forEach((offsets, p) => {
    check(offsets.length > 0, 'partition ' + p + ' got no records')
    offsets.forEach((o, i) =>
      check(o === i, 'partition ' + p + ': record ' + i + ' has offset ' + o)
    )
  })
  console.log(
    'every record arrived once, intact; per partition: %s',
    perPartition.map(o => o.length).join(', ')
  )
  return perPartition.map(o => o.length)
}

async function checkCommitted(kafka, counts) {
  const admin = kafka.admin()
  await admin.connect()
  const ends = await admin.fetchTopicOffsets(TOPIC)
  check(ends.length === 3, 'fetchTopicOffsets: ' + JSON.stringify(ends))
  for (const { partition, low, high } of ends) {
    check(low === '0', 'partition ' + partition + ' low offset ' + low)
    check(
      Number(high) === counts[partition],
      'partition ' + partition + ' high offset ' + high + ', consumed ' + counts[partition]
    )
  }
  const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })
  check(
    committed.length === 1 && committed[0].topic === TOPIC,
    'fetchOffsets: ' + JSON.stringify(committed)
  )
  for (const { partition, offset } of committed[0].partitions) {
    const end = ends.find(e => e.partition === partition)
    check(
      end && offset === end.high,
      'partition ' + partition + ' committed ' + offset + ', end offset ' + (end && end.high)
    )
  }
  check(
    committed[0].partitions.length === 3,
    'committed partitions: ' + JSON.stringify(committed[0].partitions)
  )
  await admin.disconnect()
  console.log('committed offsets equal end offsets: %s', ends.map(e => e.high).join(', '))
}

main(async () => {
  const kafka = client('kafkajs-roundtrip')
  const admin = kafka.admin()
  await admin.connect()
  const created = await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] })
  check(created === true, 'createTopics returned ' + created)
  await admin.disconnect()
  await produce(kafka)
  const got = await consume(kafka)
  const counts = verify(got)
  await checkCommitted(kafka, counts)
})
