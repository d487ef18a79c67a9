#pragma once
// Where a record goes when it names no partition.
//
// Keyed records: (murmur2(key) & 0x7fffffff) % partitions, exactly as Kafka's
// Java client (Utils.murmur2 / toPositive) and librdkafka's "murmur2" and
// "murmur2_random" partitioners compute it, so the same key lands on the same
// partition whichever client wrote it.
//
// Unkeyed records: `sticky` (Kafka >= 2.4's default, KIP-480) keeps sending to
// one partition until its batch is sent, then picks another at random;
// `round_robin` gives each record the next partition in turn.
//
// State is per producer; not thread-safe (runs on the producer's executor).

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <string>

namespace sluice::client {

// Kafka's murmur2 (seed 0x9747b28c), as a signed 32-bit value like Java's.
int32_t murmur2(std::span<const std::byte> data) noexcept;

// The partition Kafka's default partitioner gives a key.
int32_t partition_for_key(std::span<const std::byte> key, int32_t partitions) noexcept;

enum class partitioner_kind : int8_t { sticky, round_robin };

class partitioner {
 public:
  explicit partitioner(partitioner_kind kind, uint64_t seed = std::random_device{}());

  // The partition for an unkeyed record of `topic` among `partitions`.
  int32_t unkeyed(const std::string& topic, int32_t partitions);
  // Sticky: the batch for (topic, partition) was sent (or filled); choose anew.
  void batch_completed(const std::string& topic, int32_t partition);

 private:
  partitioner_kind kind_;
  std::mt19937_64 random_;
  std::map<std::string, int32_t> current_;  // sticky choice or round-robin counter
};

}  // namespace sluice::client
