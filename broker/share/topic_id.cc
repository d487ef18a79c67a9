#include "broker/share/topic_id.h"

#include "broker/topic_table.h"

namespace sluice::broker::share {
namespace {

uint64_t fnv1a(std::string_view s, uint64_t basis) {
  uint64_t h = basis;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

protocol::uuid topic_id_of(std::string_view topic) {
  const uint64_t hi = fnv1a(topic, 0xcbf29ce484222325ull);
  const uint64_t lo = fnv1a(topic, 0x84222325cbf29ce4ull);
  protocol::uuid id;
  for (int i = 0; i < 8; ++i) {
    id.bytes[static_cast<size_t>(i)] = static_cast<std::byte>(hi >> (56 - 8 * i));
    id.bytes[static_cast<size_t>(8 + i)] = static_cast<std::byte>(lo >> (56 - 8 * i));
  }
  id.bytes[6] = (id.bytes[6] & std::byte{0x0f}) | std::byte{0x80};  // version 8
  id.bytes[8] = (id.bytes[8] & std::byte{0x3f}) | std::byte{0x80};  // RFC variant
  return id;
}

std::optional<std::string> topic_name_of(topic_table& topics, const protocol::uuid& id) {
  for (const std::string& name : topics.topic_names()) {
    if (topic_id_of(name) == id) return name;
  }
  return std::nullopt;
}

}  // namespace sluice::broker::share
