#pragma once
// Helpers shared by the per-API message tests: encode a body to bytes, and
// check that a lying body is refused within RELIABILITY.md E3's allocation
// bound (bytes allocated <= 2 x frame + 4 KiB).

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/message.h"
#include "protocol/types.h"
#include "tests/protocol/allocation_counter.h"

namespace sluice::protocol::testing {

template <message M>
std::vector<std::byte> body_of(const M& m, int16_t version) {
  writer w;
  EXPECT_FALSE(encode_message(m, version, w));
  std::vector<std::byte> out;
  EXPECT_FALSE(std::move(w).finish().flatten(out));
  return out;
}

// Decodes `body` as M at `version`; expects it back equal to `expected`, and
// the same bytes when encoded again.
template <message M>
void expect_golden(const std::vector<std::byte>& body, int16_t version, const M& expected) {
  M decoded;
  const std::error_code ec = decode_message(body, version, decoded);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(decoded == expected);
  EXPECT_EQ(body_of(expected, version), body);
}

// Encodes m at `version` and decodes it back: the same value.
template <message M>
void expect_round_trip(const M& m, int16_t version) {
  const auto body = body_of(m, version);
  M back;
  ASSERT_FALSE(decode_message(body, version, back)) << "version " << version;
  EXPECT_TRUE(back == m) << "version " << version;
}

// A uuid whose 16 bytes are all `b` (topic ids in hand-written bodies).
inline uuid uuid_filled(int b) {
  uuid u;
  for (auto& x : u.bytes) x = static_cast<std::byte>(b);
  return u;
}

template <message M>
void expect_refused(const std::vector<std::byte>& body, int16_t version, codec_errc expected) {
  std::error_code ec;
  allocation_stats stats;
  {
    allocation_scope scope;
    M m;
    ec = decode_message(body, version, m);
    stats = scope.stats();
  }
  EXPECT_EQ(ec, expected) << ec.message();
  EXPECT_LE(stats.total_bytes, 2 * body.size() + 4096);
}

}  // namespace sluice::protocol::testing
