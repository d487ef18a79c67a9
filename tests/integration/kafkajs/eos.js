// kafkajs 2.2.4 exactly-once against the broker, for test_eos_kafkajs.py:
//   - an idempotent producer (idempotent: true, one request in flight) sends
//     600 values to 3 partitions in 12 calls; a consumer reads each once, in
//     the order sent per partition (the script then checks with
//     DescribeProducers that the broker kept a producer state for it);
//   - a transactional producer runs 7 transactions of 30 values, committing
//     even ones and aborting odd ones; a read_committed group consumer (the
//     kafkajs default) reads the committed values once each and no aborted
//     one, a readUncommitted consumer reads all 210;
//   - consume-transform-produce with sendOffsets: the group's offsets given
//     to an aborted transaction stay uncommitted; given to a committed one
//     they become the group's committed offsets, and the output holds each
//     transformed value once.

'use strict'

const { client, check, main, sleep, text, waitFor } = require('./common')

const IDEM = 'kafkajs-eos-idem'
const TXN = 'kafkajs-eos-txn'
const IN = 'kafkajs-eos-in'
const OUT = 'kafkajs-eos-out'

// Reads `topic` from the start with a fresh group until `want` records came
// (and 500 ms more, so extras show); returns [{partition, offset, value}].
async function readAll(kafka, topic, want, readUncommitted) {
  const consumer = kafka.consumer({
    groupId: 'kafkajs-eos-reader-' + topic + '-' + Date.now(),
    readUncommitted,
    sessionTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got = []
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      got.push({ partition, offset: Number(message.offset), value: text(message.value) })
    },
  })
  await waitFor(
    topic + ': ' + want + ' records (have ' + got.length + ')',
    () => got.length >= want,
    25000
  )
  await sleep(500)
  await consumer.disconnect()
  return got
}

function once(values, what) {
  const seen = new Set()
  for (const v of values) {
    check(!seen.has(v), what + ': ' + v + ' read twice')
    seen.add(v)
  }
  return seen
}

async function idempotent(kafka) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (let call = 0; call < 12; call++) {
    const messages = []
    for (let i = call * 50; i < (call + 1) * 50; i++) {
      messages.push({ partition: i % 3, value: 'idem-' + String(i).padStart(4, '0') })
    }
    const replies = await producer.send({ topic: IDEM, messages })
    for (const r of replies) check(r.errorCode === 0, 'idempotent send: ' + JSON.stringify(r))
  }
  await producer.disconnect()
  const got = await readAll(kafka, IDEM, 600, true)
  check(got.length === 600, 'idempotent: read ' + got.length + ' of 600')
  once(
    got.map(m => m.value),
    'idempotent'
  )
  for (let p = 0; p < 3; p++) {
    const seq = got
      .filter(m => m.partition === p)
      .sort((a, b) => a.offset - b.offset)
      .map(m => Number(m.value.slice(5)))
    seq.forEach((s, k) =>
      check(s === p + 3 * k, 'partition ' + p + ' position ' + k + ' holds ' + s)
    )
  }
  console.log('idempotent producer: 600 values, each once, in order per partition')
}

async function transactions(kafka) {
  const producer = kafka.producer({
    transactionalId: 'kafkajs-eos-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  const committed = new Set()
  const aborted = new Set()
  for (let t = 0; t < 7; t++) {
    const txn = await producer.transaction()
    const messages = []
    for (let i = 0; i < 30; i++) messages.push({ partition: i % 3, value: 't' + t + '-' + i })
    await txn.send({ topic: TXN, messages: messages.slice(0, 15) })
    await txn.send({ topic: TXN, messages: messages.slice(15) })
    if (t % 2 === 0) {
      await txn.commit()
      messages.forEach(m => committed.add(m.value))
    } else {
      await txn.abort()
      messages.forEach(m => aborted.add(m.value))
    }
  }
  await producer.disconnect()
  const rc = await readAll(kafka, TXN, committed.size, false)
  const seen = once(
    rc.map(m => m.value),
    'read_committed'
  )
  for (const v of seen) check(!aborted.has(v), 'read_committed saw aborted ' + v)
  for (const v of committed) check(seen.has(v), 'read_committed missed committed ' + v)
  const ru = await readAll(kafka, TXN, committed.size + aborted.size, true)
  check(
    ru.length === committed.size + aborted.size,
    'read_uncommitted read ' + ru.length + ' of ' + (committed.size + aborted.size)
  )
  console.log(
    'transactions: read_committed %d values once each, no aborted one; read_uncommitted %d',
    rc.length,
    ru.length
  )
}

async function committedOffset(admin, group) {
  const got = await admin.fetchOffsets({ groupId: group, topics: [IN] })
  return got[0].partitions.find(p => p.partition === 0).offset
}

async function sendOffsets(kafka, admin) {
  const GROUP = 'kafkajs-eos-ctp'
  const plain = kafka.producer()
  await plain.connect()
  const input = []
  for (let i = 0; i < 20; i++) input.push({ value: 'in-' + i })
  await plain.send({ topic: IN, messages: input })
  await plain.disconnect()

  const consumer = kafka.consumer({
    groupId: GROUP,
    sessionTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  })
  await consumer.connect()
  await consumer.subscribe({ topic: IN, fromBeginning: true })
  const got = []
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      got.push({ offset: Number(message.offset), value: text(message.value) })
    },
  })
  await waitFor('20 input records (have ' + got.length + ')', () => got.length >= 20, 25000)
  await consumer.stop()
  const next = String(Math.max(...got.map(m => m.offset)) + 1)
  check(next === '20', 'next input offset ' + next)

  const producer = kafka.producer({
    transactionalId: 'kafkajs-eos-ctp-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  for (const end of ['abort', 'commit']) {
    const txn = await producer.transaction()
    await txn.send({
      topic: OUT,
      messages: got.map(m => ({ value: m.value.replace('in-', 'out-') })),
    })
    await txn.sendOffsets({
      consumerGroupId: GROUP,
      topics: [{ topic: IN, partitions: [{ partition: 0, offset: next }] }],
    })
    const during = await committedOffset(admin, GROUP)
    check(during === '-1', 'committed offset inside the open transaction: ' + during)
    if (end === 'abort') {
      await txn.abort()
      const after = await committedOffset(admin, GROUP)
      check(after === '-1', 'committed offset after the abort: ' + after)
    } else {
      await txn.commit()
      const after = await committedOffset(admin, GROUP)
      check(after === next, 'committed offset after the commit: ' + after + ', expected ' + next)
    }
  }
  await producer.disconnect()
  await consumer.disconnect()
  const out = await readAll(kafka, OUT, 20, false)
  const seen = once(
    out.map(m => m.value),
    'output'
  )
  for (let i = 0; i < 20; i++) check(seen.has('out-' + i), 'output missing out-' + i)
  check(out.length === 20, 'output holds ' + out.length + ' values')
  console.log('sendOffsets: offset 20 committed only by the committed transaction; output 20 once')
}

main(async () => {
  const kafka = client('kafkajs-eos')
  const admin = kafka.admin()
  await admin.connect()
  const created = await admin.createTopics({
    topics: [
      { topic: IDEM, numPartitions: 3 },
      { topic: TXN, numPartitions: 3 },
      { topic: IN, numPartitions: 1 },
      { topic: OUT, numPartitions: 1 },
    ],
  })
  check(created === true, 'createTopics returned ' + created)
  await idempotent(kafka)
  await transactions(kafka)
  await sendOffsets(kafka, admin)
  await admin.disconnect()
}, 55000)
