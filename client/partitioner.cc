#include "client/partitioner.h"

namespace sluice::client {

int32_t murmur2(std::span<const std::byte> data) noexcept {
  // Kafka's Utils.murmur2: MurmurHash2, 32-bit, little-endian words, fixed seed.
  constexpr uint32_t seed = 0x9747b28c;
  constexpr uint32_t m = 0x5bd1e995;
  constexpr int r = 24;
  const size_t length = data.size();
  uint32_t h = seed ^ static_cast<uint32_t>(length);
  auto byte_at = [&](size_t i) { return static_cast<uint32_t>(data[i]); };
  const size_t words = length / 4;
  for (size_t i = 0; i < words; ++i) {
    const size_t at = i * 4;
    uint32_t k =
        byte_at(at) | (byte_at(at + 1) << 8) | (byte_at(at + 2) << 16) | (byte_at(at + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= byte_at(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte_at(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte_at(tail);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t partition_for_key(std::span<const std::byte> key, int32_t partitions) noexcept {
  if (partitions <= 0) return 0;
  // Kafka's toPositive: clear the sign bit (not abs, which differs for INT_MIN).
  return (murmur2(key) & 0x7fffffff) % partitions;
}

partitioner::partitioner(partitioner_kind kind, uint64_t seed) : kind_(kind), random_(seed) {}

int32_t partitioner::unkeyed(const std::string& topic, int32_t partitions) {
  if (partitions <= 1) return 0;
  auto it = current_.find(topic);
  if (kind_ == partitioner_kind::round_robin) {
    if (it == current_.end())
      it = current_.emplace(topic, static_cast<int32_t>(random_() % partitions)).first;
    return it->second++ % partitions;
  }
  if (it == current_.end() || it->second >= partitions)
    it = current_.insert_or_assign(topic, static_cast<int32_t>(random_() % partitions)).first;
  return it->second;
}

void partitioner::batch_completed(const std::string& topic, int32_t partition) {
  if (kind_ != partitioner_kind::sticky) return;
  auto it = current_.find(topic);
  // Only a change of the partition in use moves the sticky choice (KIP-480).
  if (it != current_.end() && it->second == partition) current_.erase(it);
}

}  // namespace sluice::client
