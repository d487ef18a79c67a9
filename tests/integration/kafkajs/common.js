// Shared by the kafkajs programs that tests/integration/test_kafkajs_*.py run
// against a real sluice-broker: the client, checks that fail with a message,
// polling with a deadline, and a hard time limit for the whole program.
//
// Usage: node <program>.js <host:port>. Exit status 0 means every check
// passed; anything else prints "FAIL: <why>" on stderr.

'use strict'

const { Kafka, logLevel } = require('kafkajs')

const broker = process.argv[2]
if (!broker || !/^[^:]+:\d+$/.test(broker)) {
  console.error('usage: node %s <host:port>', process.argv[1])
  process.exit(2)
}

// kafkajs logs every error response, including those the tests provoke on
// purpose; KAFKAJS_DEBUG=1 in the environment turns its logging back on.
const level = process.env.KAFKAJS_DEBUG ? logLevel.DEBUG : logLevel.NOTHING

// Short retries: against a single local broker a retriable error that
// persists past a few tries is a bug to report, not a condition to wait out.
function client(clientId) {
  return new Kafka({
    clientId,
    brokers: [broker],
    logLevel: level,
    connectionTimeout: 5000,
    requestTimeout: 15000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  })
}

function check(cond, what) {
  if (!cond) throw new Error(what)
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

// Calls `probe` until it returns something truthy; throws naming `what`
// after `ms` milliseconds.
async function waitFor(what, probe, ms = 20000) {
  const deadline = Date.now() + ms
  for (;;) {
    const got = await probe()
    if (got) return got
    if (Date.now() > deadline) throw new Error('timed out after ' + ms + ' ms waiting for ' + what)
    await sleep(50)
  }
}

// Runs `body` and exits: 0 when it resolves, 1 when it throws or when
// `limitMs` passes first (a stuck client must not hang the test).
function main(body, limitMs = 40000) {
  const timer = setTimeout(() => {
    console.error('FAIL: program time limit of %d ms reached', limitMs)
    process.exit(1)
  }, limitMs)
  body().then(
    () => {
      clearTimeout(timer)
      console.log('OK')
      process.exit(0)
    },
    e => {
      clearTimeout(timer)
      console.error(e && e.stack ? e.stack : e)
      const cause = e && e.cause ? ' (caused by ' + (e.cause.type || e.cause.message) + ')' : ''
      console.error('FAIL: ' + (e && e.message) + cause)
      process.exit(1)
    }
  )
}

// The Kafka error names (e.g. 'TOPIC_ALREADY_EXISTS') inside an error kafkajs
// threw: its retrier wraps protocol errors in `cause`, and per-topic admin
// errors come as a KafkaJSAggregateError's `errors`.
function errorTypes(e) {
  const out = new Set()
  const walk = (err, depth) => {
    if (!err || depth > 5) return
    if (err.type) out.add(err.type)
    if (Array.isArray(err.errors)) err.errors.forEach(x => walk(x, depth + 1))
    walk(err.cause, depth + 1)
  }
  walk(e, 0)
  return [...out]
}

// Runs `fn`, which must throw an error naming Kafka error `type`.
async function expectError(what, type, fn) {
  let result
  try {
    result = await fn()
  } catch (e) {
    const types = errorTypes(e)
    check(
      types.includes(type),
      what + ': wanted ' + type + ', got ' + (types.join(',') || e.message)
    )
    return e
  }
  throw new Error(what + ': wanted error ' + type + ', but it returned ' + JSON.stringify(result))
}

// Buffer or string (or null) to a comparable string.
function text(v) {
  return v == null ? null : v.toString()
}

module.exports = { broker, client, check, sleep, waitFor, main, text, errorTypes, expectError }
