#pragma once
// A partition log with transactions, as a broker would store it, for
// read_committed tests:
//   0-1  producer 7, transactional (aborted)
//   2    producer 8, transactional (committed)
//   3    abort marker of producer 7
//   4    commit marker of producer 8
//   5    producer 7, transactional, a later transaction (committed)
//   6    commit marker of producer 7
//   7    no producer id, not transactional
// Fetch's aborted_transactions for it: {producer 7, first offset 0}.

#include <vector>

#include "client/record_batch.h"

namespace sluice::client::test {

inline std::vector<std::byte> marker_batch(int64_t offset, int64_t producer_id, bool commit) {
  batch_record marker;
  marker.timestamp = 1000;
  marker.key =
      bytes{std::byte{0}, std::byte{0}, std::byte{0}, commit ? std::byte{1} : std::byte{0}};
  marker.value = bytes(6, std::byte{0});
  batch_options o;
  o.base_offset = offset;
  o.producer_id = producer_id;
  o.producer_epoch = 0;
  o.control = true;
  return encode_batch(std::span(&marker, 1), o).value();
}

inline std::vector<std::byte> data_batch(int64_t offset, int64_t producer_id, int count,
                                         bool transactional) {
  std::vector<batch_record> records;
  for (int i = 0; i < count; ++i)
    records.push_back({.timestamp = 1000,
                       .key = std::nullopt,
                       .value = to_bytes("v" + std::to_string(offset + i)),
                       .headers = {}});
  batch_options o;
  o.base_offset = offset;
  o.producer_id = producer_id;
  o.producer_epoch = producer_id >= 0 ? 0 : -1;
  o.base_sequence = producer_id >= 0 ? 0 : -1;
  o.transactional = transactional;
  return encode_batch(records, o).value();
}

inline std::vector<std::byte> txn_log() {
  std::vector<std::byte> log;
  auto add = [&](std::vector<std::byte> b) { log.insert(log.end(), b.begin(), b.end()); };
  add(data_batch(0, 7, 2, true));
  add(data_batch(2, 8, 1, true));
  add(marker_batch(3, 7, false));
  add(marker_batch(4, 8, true));
  add(data_batch(5, 7, 1, true));
  add(marker_batch(6, 7, true));
  add(data_batch(7, -1, 1, false));
  return log;
}

inline constexpr int64_t txn_log_end = 8;

}  // namespace sluice::client::test
