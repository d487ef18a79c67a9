#pragma once
// A partition's name: topic plus partition index. The one such type in the
// tree; the log, the broker, the client and the tools use it (or alias it).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

namespace sluice::base {

// Not an aggregate on purpose: GCC 12 copies aggregate temporaries bitwise
// into coroutine frames (their strings then dangle); a constructor avoids it.
struct topic_partition {
  topic_partition() = default;
  topic_partition(std::string t, int32_t p) : topic(std::move(t)), partition(p) {}
  std::string topic;
  int32_t partition = 0;
  friend bool operator==(const topic_partition&, const topic_partition&) = default;
  friend auto operator<=>(const topic_partition&, const topic_partition&) = default;
};

}  // namespace sluice::base

template <>
struct std::hash<sluice::base::topic_partition> {
  size_t operator()(const sluice::base::topic_partition& tp) const noexcept {
    const size_t h = std::hash<std::string>{}(tp.topic);
    return h ^ (std::hash<int32_t>{}(tp.partition) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
  }
};
