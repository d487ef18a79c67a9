#pragma once
// Seeded random values for the round-trip property tests (RELIABILITY.md E8).
// make<M>(version) is specialised per message in random_messages.h. Record
// sets point into storage the generator owns, kept until reset(). One
// generator per test, on the test's thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "protocol/error_code.h"
#include "protocol/types.h"

namespace sluice::protocol::testing {

class message_generator {
 public:
  explicit message_generator(uint64_t seed) : rng_(seed) {}

  void reset() { storage_.clear(); }

  template <class M>
  M make(int16_t version);

  // Primitives.
  bool coin() { return uniform(0, 1) == 1; }
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  template <class T>
  T any() {
    // Mostly small values, sometimes the extremes, which shake out sign and
    // width mistakes.
    switch (uniform(0, 5)) {
      case 0:
        return std::numeric_limits<T>::min();
      case 1:
        return std::numeric_limits<T>::max();
      case 2:
        return static_cast<T>(-1);
      case 3:
        return static_cast<T>(uniform(0, 100));
      default:
        return static_cast<T>(
            uniform(std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    }
  }
  error_code any_error() { return static_cast<error_code>(any<int16_t>()); }
  std::string string() {
    const size_t n = uniform(0, 9) == 0 ? uniform(0, 400) : uniform(0, 12);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(uniform(0, 255));
    return s;
  }
  std::optional<std::string> nullable_string() {
    if (uniform(0, 3) == 0) return std::nullopt;
    return string();
  }
  record_set records() {
    switch (uniform(0, 4)) {
      case 0:
        return record_set();
      case 1:
        return record_set::of({});
      default: {
        auto& bytes = storage_.emplace_back(uniform(1, 300));
        for (std::byte& b : bytes) b = static_cast<std::byte>(uniform(0, 255));
        return record_set::of(bytes);
      }
    }
  }
  // Opaque bytes owned by the message (group metadata and assignments).
  std::vector<std::byte> blob() {
    std::vector<std::byte> b(uniform(0, 9) == 0 ? uniform(0, 300) : uniform(0, 24));
    for (std::byte& x : b) x = static_cast<std::byte>(uniform(0, 255));
    return b;
  }
  std::optional<std::vector<std::byte>> nullable_blob() {
    if (uniform(0, 3) == 0) return std::nullopt;
    return blob();
  }
  std::vector<std::string> strings(int64_t max) {
    return vec<std::string>(max, [&](std::string& s) { s = string(); });
  }
  template <class T, class F>
  std::vector<T> vec(int64_t max, F make_one) {
    std::vector<T> v(uniform(0, max));
    for (T& e : v) make_one(e);
    return v;
  }
  template <class T>
  std::vector<T> ints(int64_t max) {
    return vec<T>(max, [&](T& x) { x = any<T>(); });
  }

 private:
  std::mt19937_64 rng_;
  std::deque<std::vector<std::byte>> storage_;
};

}  // namespace sluice::protocol::testing
