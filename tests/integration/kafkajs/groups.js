// kafkajs consumer groups against the broker's group coordinator:
//  1. two consumers in one group split a 4-partition topic (RoundRobinAssigner)
//     and, with nobody failing, consume every record exactly once, each only
//     from the partitions it was assigned;
//  2. admin.listGroups and admin.describeGroups show the live group: Stable,
//     both members with their client ids and assignments;
//  3. once both stop the group is Empty, its committed offsets are the end
//     offsets; admin.setOffsets moves them and a new consumer resumes exactly
//     there; admin.resetOffsets (earliest) makes the next one read it all again;
//  4. admin.deleteGroups removes the Empty group and its committed offsets.

'use strict'

const { AssignerProtocol } = require('kafkajs')
const { client, check, main, sleep, text, waitFor } = require('./common')

const TOPIC = 'kafkajs-groups'
const GROUP = 'kafkajs-groups-group'
const COUNT = 400

// A running group member that records what it is assigned and what it reads.
async function startMember(name, { fromBeginning = true } = {}) {
  const consumer = client(name).consumer({
    groupId: GROUP,
    sessionTimeout: 10000,
    rebalanceTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  })
  const member = { name, consumer, assigned: null, got: [] }
  consumer.on(consumer.events.GROUP_JOIN, e => {
    member.assigned = (e.payload.memberAssignment[TOPIC] || []).slice().sort()
  })
  await consumer.connect()
  await consumer.subscribe({ topic: TOPIC, fromBeginning })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      member.got.push({ partition, offset: Number(message.offset), key: text(message.key) })
    },
  })
  return member
}

function splitEvenly(a, b) {
  if (!a.assigned || !b.assigned || !a.assigned.length || !b.assigned.length) return false
  const all = [...a.assigned, ...b.assigned].sort()
  return JSON.stringify(all) === JSON.stringify([0, 1, 2, 3])
}

async function produce(kafka) {
  const producer = kafka.producer()
  await producer.connect()
  const messages = []
  for (let i = 0; i < COUNT; i++) messages.push({ key: 'k' + i, value: 'v' + i })
  for (let i = 0; i < COUNT; i += 100)
    await producer.send({ topic: TOPIC, messages: messages.slice(i, i + 100) })
  await producer.disconnect()
}

async function describe(admin) {
  const { groups } = await admin.describeGroups([GROUP])
  check(
    groups.length === 1 && groups[0].groupId === GROUP,
    'describeGroups: ' + JSON.stringify(groups)
  )
  check(groups[0].errorCode === 0, 'describeGroups error ' + groups[0].errorCode)
  return groups[0]
}

async function twoMembers(kafka, admin) {
  const a = await startMember('kafkajs-member-a')
  const b = await startMember('kafkajs-member-b')
  await waitFor('both members assigned two partitions each', () => splitEvenly(a, b), 25000)
  console.log('group split: a=%j b=%j', a.assigned, b.assigned)

  await produce(kafka)
  const total = () => a.got.length + b.got.length
  await waitFor(COUNT + ' records consumed', () => total() >= COUNT, 20000)
  await sleep(1000) // a duplicate delivered after the last record shows up here
  const seen = new Map()
  for (const m of [...a.got, ...b.got]) seen.set(m.key, (seen.get(m.key) || 0) + 1)
  for (let i = 0; i < COUNT; i++) {
    check(
      seen.get('k' + i) === 1,
      'record k' + i + ' consumed ' + (seen.get('k' + i) || 0) + ' times'
    )
  }
  check(total() === COUNT, 'consumed ' + total() + ' records, produced ' + COUNT)
  for (const m of [a, b]) {
    check(m.got.length > 0, m.name + ' consumed nothing')
    const stray = m.got.find(r => !m.assigned.includes(r.partition))
    check(
      !stray,
      m.name +
        ' read partition ' +
        (stray && stray.partition) +
        ' outside its assignment ' +
        m.assigned
    )
  }
  console.log('every record consumed once: a=%d b=%d', a.got.length, b.got.length)

  const listed = await admin.listGroups()
  const entry = listed.groups.find(g => g.groupId === GROUP)
  check(entry && entry.protocolType === 'consumer', 'listGroups: ' + JSON.stringify(listed.groups))
  const g = await describe(admin)
  check(g.state === 'Stable', 'live group state ' + g.state)
  check(
    g.protocolType === 'consumer' && g.protocol === 'RoundRobinAssigner',
    'group protocol ' + g.protocolType + '/' + g.protocol
  )
  check(g.members.length === 2, 'describeGroups members: ' + g.members.length)
  for (const m of [a, b]) {
    const d = g.members.find(x => x.clientId === m.name)
    check(
      d,
      'describeGroups has no member with client id ' +
        m.name +
        ': ' +
        g.members.map(x => x.clientId)
    )
    const decoded = AssignerProtocol.MemberAssignment.decode(d.memberAssignment)
    const parts = ((decoded && decoded.assignment[TOPIC]) || []).slice().sort()
    check(
      JSON.stringify(parts) === JSON.stringify(m.assigned),
      m.name + ' described with ' + parts + ', assigned ' + m.assigned
    )
  }
  console.log('listGroups and describeGroups show the group Stable with both members')

  await a.consumer.disconnect()
  await b.consumer.disconnect()
}

// Starts a member, waits until it has read `want` records, stops it.
async function resume(name, want) {
  const m = await startMember(name, { fromBeginning: false })
  await waitFor(
    name + ' reading ' + want + ' records (has ' + m.got.length + ')',
    () => m.got.length >= want,
    20000
  )
  await sleep(500)
  await m.consumer.disconnect()
  check(m.assigned && m.assigned.length === 4, name + ' assigned ' + m.assigned)
  return m.got
}

async function moveOffsets(admin) {
  const g = await waitFor('group Empty after both members left', async () => {
    const d = await describe(admin)
    return d.state === 'Empty' ? d : null
  })
  check(g.members.length === 0, 'an Empty group lists members: ' + JSON.stringify(g.members))

  const ends = await admin.fetchTopicOffsets(TOPIC)
  const committed = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0].partitions
  for (const e of ends) {
    const c = committed.find(x => x.partition === e.partition)
    check(
      c && c.offset === e.high,
      'partition ' + e.partition + ' committed ' + (c && c.offset) + ', end ' + e.high
    )
  }

  const target = ends.map(e => ({
    partition: e.partition,
    offset: String(Math.floor(Number(e.high) / 2)),
  }))
  await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: target })
  const moved = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0].partitions
  for (const t of target) {
    const c = moved.find(x => x.partition === t.partition)
    check(
      c && c.offset === t.offset,
      'after setOffsets partition ' +
        t.partition +
        ' committed ' +
        (c && c.offset) +
        ', set ' +
        t.offset
    )
  }
  console.log(
    'setOffsets on the Empty group: %j',
    target.map(t => t.offset)
  )

  const want = ends.reduce((n, e, i) => n + Number(e.high) - Number(target[i].offset), 0)
  const got = await resume('kafkajs-member-c', want)
  check(
    got.length === want,
    'after setOffsets a new member read ' + got.length + ' records, expected ' + want
  )
  for (const t of target) {
    const offsets = got.filter(r => r.partition === t.partition).map(r => r.offset)
    const end = Number(ends.find(e => e.partition === t.partition).high)
    const expected = []
    for (let o = Number(t.offset); o < end; o++) expected.push(o)
    check(
      JSON.stringify(offsets) === JSON.stringify(expected),
      'partition ' +
        t.partition +
        ' resumed at offsets ' +
        offsets.slice(0, 5) +
        '..., set ' +
        t.offset
    )
  }
  console.log('a new member resumed at the set offsets and read %d records', got.length)

  // resetOffsets commits the "earliest" marker (-2) itself; fetchOffsets
  // with resolveOffsets turns it into the partitions' start offsets (it runs
  // setOffsets again, so the group must be Empty once more).
  const empty = async () => (await describe(admin)).state === 'Empty'
  await waitFor('group Empty after member c left', empty)
  await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true })
  const marked = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0].partitions
  console.log(
    'after resetOffsets(earliest) the group has committed %j',
    marked.map(p => p.offset)
  )
  await waitFor('group Empty after resetOffsets', empty)
  const resolved = (
    await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC], resolveOffsets: true })
  )[0].partitions
  const stored = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0].partitions
  for (const list of [resolved, stored]) {
    check(
      list.length === 4 && list.every(p => p.offset === '0'),
      'offsets after resetOffsets(earliest): ' + JSON.stringify(list)
    )
  }
  const again = await resume('kafkajs-member-d', COUNT)
  check(
    again.length === COUNT,
    'after resetOffsets(earliest) a new member read ' + again.length + ' records, expected ' + COUNT
  )
  console.log('resetOffsets(earliest): the next member read all %d records again', again.length)
}

async function deleteGroup(admin) {
  await waitFor(
    'group Empty after member d left',
    async () => (await describe(admin)).state === 'Empty'
  )
  const deleted = await admin.deleteGroups([GROUP])
  check(
    deleted.length === 1 && deleted[0].errorCode === 0,
    'deleteGroups: ' + JSON.stringify(deleted)
  )
  const { groups } = await admin.listGroups()
  check(
    !groups.some(g => g.groupId === GROUP),
    'listGroups after deleteGroups: ' + JSON.stringify(groups)
  )
  const offsets = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0].partitions
  check(
    offsets.every(p => p.offset === '-1'),
    'committed offsets after deleteGroups: ' + JSON.stringify(offsets)
  )
  console.log('deleteGroups: the group and its committed offsets are gone')
}

main(async () => {
  const kafka = client('kafkajs-groups')
  const admin = kafka.admin()
  await admin.connect()
  check(
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] }),
    'createTopics failed'
  )
  await twoMembers(kafka, admin)
  await moveOffsets(admin)
  await deleteGroup(admin)
  await admin.disconnect()
}, 60000)
