#pragma once
// Transactional and idempotent batches for the read-path handler tests: a
// producer's data batch (batch_builder's, with the producer fields, the
// transactional bit and the CRC patched) and the coordinator's markers
// (broker/txn/markers.h), appended through partition_log::append as the
// broker does, so the partition's producer state, LSO and aborted index are real.

#include <deque>
#include <vector>

#include "broker/txn/markers.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/log_helpers.h"

namespace sluice::broker::test {

// `count` records of producer `pid` starting at `sequence`; transactional
// when `transactional` (attributes bit 4), else only idempotent.
inline std::vector<std::byte> producer_batch(int count, int64_t pid, int16_t epoch,
                                             int32_t sequence, bool transactional,
                                             log::timestamp_ms ts = 1000) {
  auto b = sluice::test::build_batch(count, 20, ts);
  log::set_producer_fields(b, transactional ? 0x10 : 0, pid, epoch, sequence);
  return b;
}

// Appends batches and waits for each to be durable (the HW then covers it);
// the bytes stay alive in `keep` as partition_log::append asks.
class txn_writer {
 public:
  txn_writer(log::partition_log& p, log::io::io_backend& io) : p_(p), io_(io) {}

  // Appends and returns the batch's base offset.
  int64_t append(std::vector<std::byte> batch) {
    keep_.push_back(std::move(batch));
    return sluice::test::append_and_wait(p_, io_, keep_.back()).value;
  }
  int64_t data(int count, int64_t pid, int32_t sequence, bool transactional = true,
               log::timestamp_ms ts = 1000) {
    return append(producer_batch(count, pid, 0, sequence, transactional, ts));
  }
  int64_t end_txn(int64_t pid, bool commit) {
    txn::marker m;
    m.producer_id = pid;
    m.producer_epoch = 0;
    m.commit = commit;
    return append(txn::encode_marker(m, 1000));
  }
  size_t size_of(size_t i) const { return keep_.at(i).size(); }

 private:
  log::partition_log& p_;
  log::io::io_backend& io_;
  std::deque<std::vector<std::byte>> keep_;
};

}  // namespace sluice::broker::test
