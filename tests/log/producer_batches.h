#pragma once
// Batches as idempotent and transactional producers and the transaction
// coordinator send them, for the producer-state tests: a data batch with
// producer id, epoch, base sequence and the transactional bit, and an
// end-transaction marker (a control batch holding one COMMIT or ABORT record).
// Also an append that waits for its answer and reports it.

#include <cstdint>
#include <string>
#include <vector>

#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/fake_clock.h"

namespace sluice::log::producer_test {

// test::fake_clock's start: batches are as old as the clock says, so that
// producer.id.expiration.ms does not forget their producers.
inline constexpr timestamp_ms clock_start = 1'700'000'000'000;

inline std::vector<std::byte> data_batch(int64_t pid, int16_t epoch, int32_t seq, int records = 1,
                                         bool transactional = false,
                                         timestamp_ms ts = clock_start) {
  auto b = test::build_batch(records, 20, ts, "p" + std::to_string(pid) + "-");
  set_producer_fields(b, transactional ? 0x10 : 0, pid, epoch, seq);
  return b;
}

inline std::vector<std::byte> marker_batch(int64_t pid, int16_t epoch, bool commit,
                                           int32_t coordinator_epoch = 0,
                                           timestamp_ms ts = clock_start) {
  std::string key(4, '\0'), value(6, '\0');
  key[3] = commit ? 1 : 0;
  value[2] = static_cast<char>((coordinator_epoch >> 24) & 0xff);
  value[3] = static_cast<char>((coordinator_epoch >> 16) & 0xff);
  value[4] = static_cast<char>((coordinator_epoch >> 8) & 0xff);
  value[5] = static_cast<char>(coordinator_epoch & 0xff);
  auto b = test::build_batch({test::test_record{key, value, ts}});
  set_producer_fields(b, 0x30, pid, epoch, -1);
  return b;
}

struct answer {
  std::error_code error;  // append() refused: nothing written
  append_info info;
  std::error_code done_error;
  int done_calls = 0;
  bool done_inside_append = false;
};

// Appends and drives the backend until `done` ran (when append accepted).
inline answer append(partition_log& log, io::io_backend& io, std::vector<std::byte>& bytes,
                     ack_level level = ack_level::flushed) {
  answer a;
  bool in_append = true;
  auto r = log.append(bytes, level, [&](std::error_code ec) {
    ++a.done_calls;
    a.done_error = ec;
    a.done_inside_append = in_append;
  });
  in_append = false;
  if (!r) {
    a.error = r.error();
    return a;
  }
  a.info = *r;
  io.flush();
  while (a.done_calls == 0) {
    if (io.wait() == 0 && io.in_flight() == 0 && a.done_calls == 0) break;
  }
  return a;
}

}  // namespace sluice::log::producer_test
