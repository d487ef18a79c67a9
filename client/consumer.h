#pragma once
// Reads records from assigned partitions.
//
// assign() takes partitions with a start position (an offset, earliest,
// latest, a timestamp, or N records back from the end) and resolves it with
// ListOffsets. poll() returns the records fetched so far, waiting up to its
// timeout for some. Fetching is pipelined: each leader broker has one Fetch
// outstanding for all its assigned partitions, and the next is sent as soon
// as the previous returns (while there is room in the buffer), so records
// arrive while the caller processes the previous poll's.
//
// Fetched batches are checked (CRC-32C), decompressed (gzip, snappy, lz4,
// zstd) and records below the fetch offset within the first batch are
// skipped. OFFSET_OUT_OF_RANGE is returned from poll() as an error naming the
// partition, or, with auto_offset_reset earliest/latest, the position is reset
// and fetching goes on. NOT_LEADER / UNKNOWN_TOPIC refresh metadata and retry.
// A lost or refused connection and other retriable failures (a broker
// restarting) are retried with exponential back-off (retry.backoff.ms up to
// retry.backoff.max.ms) for as long as it takes, at the same positions; poll()
// only reports errors that retrying cannot cure.
//
// high_watermark() is the last high watermark a fetch reported, so a caller
// can tell when a partition is at its end (`sluice consume -e`).
//
// isolation.level: read_uncommitted (the default) hands out every record;
// read_committed asks the broker to stop at the last stable offset and drops
// the records of aborted transactions (the answer's aborted_transactions and
// the abort markers, see decode_batches). Control records (transaction
// markers) are never handed out in either mode. With read_committed,
// end_offset() and at_end() use the last stable offset.
//
// Ownership and threads: holds a reference to the cluster (which must outlive
// it); runs on the cluster's executor.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "client/cluster.h"
#include "client/error.h"
#include "client/record.h"

namespace sluice::client {

enum class offset_reset : int8_t { none, earliest, latest };
// Kafka's isolation.level values, as Fetch and ListOffsets carry them.
enum class isolation_level : int8_t { read_uncommitted = 0, read_committed = 1 };

struct consumer_config {
  std::chrono::milliseconds fetch_max_wait{500};        // fetch.max.wait.ms
  int32_t fetch_min_bytes = 1;                          // fetch.min.bytes
  int32_t fetch_max_bytes = 52428800;                   // fetch.max.bytes
  int32_t max_partition_fetch_bytes = 1048576;          // max.partition.fetch.bytes
  offset_reset auto_offset_reset = offset_reset::none;  // auto.offset.reset
  bool check_crcs = true;                               // check.crcs
  // Records buffered beyond this stop further fetches until poll() drains.
  size_t max_buffered_records = 100000;
  // max.poll.records: the most one poll() returns.
  size_t max_poll_records = 10000;
  client::isolation_level isolation = client::isolation_level::read_uncommitted;  // isolation.level
};

// Where to start reading a partition.
struct start_position {
  enum class kind : int8_t { offset, earliest, latest, timestamp, from_end };
  kind from = kind::latest;
  int64_t value = 0;  // offset, timestamp ms, or N for from_end

  static start_position at(int64_t offset) { return {kind::offset, offset}; }
  static start_position earliest() { return {kind::earliest, 0}; }
  static start_position latest() { return {kind::latest, 0}; }
  static start_position at_time(int64_t timestamp_ms) { return {kind::timestamp, timestamp_ms}; }
  // N records before the end (clamped at the log start).
  static start_position back(int64_t n) { return {kind::from_end, n}; }
};

struct partition_assignment {
  topic_partition partition;
  start_position start;
};

class consumer {
 public:
  consumer(cluster& c, consumer_config config);
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  // Replaces the assignment. Start positions are resolved before it returns;
  // an unknown topic or partition fails the whole call.
  awaitable<result<void>> assign(std::vector<partition_assignment> partitions);
  // Stops fetching everything.
  void unassign();
  std::vector<topic_partition> assignment() const;

  // Records fetched since the previous poll (at most max_poll_records),
  // waiting up to `timeout` for at least one. An empty vector means none came.
  awaitable<result<std::vector<consumer_record>>> poll(std::chrono::milliseconds timeout);

  // The next offset poll() will return for a partition (nullopt if not assigned).
  std::optional<int64_t> position(const topic_partition& tp) const;
  // Moves a partition's position; records fetched before are discarded.
  void seek(const topic_partition& tp, int64_t offset);
  // The high watermark from the latest fetch of the partition (nullopt before
  // the first answer).
  std::optional<int64_t> high_watermark(const topic_partition& tp) const;
  // The end this consumer reads to: the high watermark, or with
  // read_committed the last stable offset (nullopt before the first answer).
  std::optional<int64_t> end_offset(const topic_partition& tp) const;
  // Whether position >= end_offset() for every assigned partition (each
  // fetched at least once). For "exit at end" modes.
  bool at_end() const;

  // Resolves a start position for one partition to an offset (ListOffsets).
  awaitable<result<int64_t>> resolve(const topic_partition& tp, start_position start);

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace sluice::client
