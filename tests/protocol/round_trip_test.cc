// Property tests (RELIABILITY.md E8): for every message and every version the
// codec implements, random valid messages satisfy decode(encode(m)) == m and
// encode(decode(x)) == x. Seeded, so a failure reproduces; 2,000 cases per
// (api, version) keeps CI fast (the E8 target of 10^5 runs nightly by raising
// SLUICE_ROUND_TRIP_CASES).

#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/api_keys.h"
#include "protocol/message.h"
#include "tests/protocol/allocation_counter.h"
#include "tests/protocol/random_messages.h"

namespace sluice::protocol {
namespace {

int cases_per_version() {
  if (const char* env = std::getenv("SLUICE_ROUND_TRIP_CASES")) return std::atoi(env);
  return 2000;
}

std::vector<std::byte> encode_flat(const auto& m, int16_t version) {
  writer w;
  EXPECT_FALSE(encode_message(m, version, w));
  std::vector<std::byte> bytes;
  EXPECT_FALSE(std::move(w).finish().flatten(bytes));
  return bytes;
}

template <message M>
void check_round_trips(uint64_t seed_base) {
  const api_info* info = find_api(M::api);
  ASSERT_NE(info, nullptr);
  ASSERT_NE(info->codec_min_version, no_codec);
  const int cases = cases_per_version();
  for (int16_t v = info->codec_min_version; v <= info->codec_max_version; ++v) {
    testing::message_generator gen(seed_base * 1000 + static_cast<uint64_t>(v));
    for (int i = 0; i < cases; ++i) {
      gen.reset();
      const M original = gen.make<M>(v);
      const std::vector<std::byte> bytes = encode_flat(original, v);

      M decoded;
      const std::error_code ec = decode_message(bytes, v, decoded);
      ASSERT_FALSE(ec) << info->name << " v" << v << " case " << i << ": " << ec.message();
      ASSERT_TRUE(decoded == original) << info->name << " v" << v << " case " << i;
      ASSERT_EQ(encode_flat(decoded, v), bytes) << info->name << " v" << v << " case " << i;
    }
  }
}

TEST(round_trip, api_versions_request_every_version) { check_round_trips<api_versions_request>(1); }
TEST(round_trip, api_versions_response_every_version) {
  check_round_trips<api_versions_response>(2);
}
TEST(round_trip, metadata_request_every_version) { check_round_trips<metadata_request>(3); }
TEST(round_trip, metadata_response_every_version) { check_round_trips<metadata_response>(4); }
TEST(round_trip, produce_request_every_version) { check_round_trips<produce_request>(5); }
TEST(round_trip, produce_response_every_version) { check_round_trips<produce_response>(6); }
TEST(round_trip, fetch_request_every_version) { check_round_trips<fetch_request>(7); }
TEST(round_trip, fetch_response_every_version) { check_round_trips<fetch_response>(8); }
TEST(round_trip, list_offsets_request_every_version) { check_round_trips<list_offsets_request>(9); }
TEST(round_trip, list_offsets_response_every_version) {
  check_round_trips<list_offsets_response>(10);
}

// Every truncation of a valid encoding is refused: a decoder never reads past
// the bytes it was given, and never reports success on a short body.
template <message M>
void check_truncations(uint64_t seed) {
  const api_info* info = find_api(M::api);
  for (int16_t v = info->codec_min_version; v <= info->codec_max_version; ++v) {
    testing::message_generator gen(seed * 1000 + static_cast<uint64_t>(v));
    for (int i = 0; i < 10; ++i) {
      gen.reset();
      const std::vector<std::byte> bytes = encode_flat(gen.make<M>(v), v);
      // About 300 cut points per message, always including the last byte.
      std::vector<size_t> cuts;
      for (size_t cut = 0; cut < bytes.size(); cut += bytes.size() / 300 + 1) cuts.push_back(cut);
      if (!bytes.empty()) cuts.push_back(bytes.size() - 1);
      for (size_t cut : cuts) {
        M decoded;
        const std::vector<std::byte> prefix(bytes.begin(), bytes.begin() + cut);
        EXPECT_TRUE(decode_message(prefix, v, decoded))
            << info->name << " v" << v << " cut at " << cut << " of " << bytes.size();
      }
    }
  }
}

TEST(round_trip, truncated_bodies_are_refused) {
  check_truncations<api_versions_request>(20);
  check_truncations<api_versions_response>(11);
  check_truncations<metadata_request>(12);
  check_truncations<metadata_response>(13);
  check_truncations<produce_request>(14);
  check_truncations<produce_response>(15);
  check_truncations<fetch_request>(16);
  check_truncations<fetch_response>(17);
  check_truncations<list_offsets_request>(18);
  check_truncations<list_offsets_response>(19);
}

// Corrupted encodings (random bytes overwritten) go through every decoder:
// no crash or out-of-bounds read (the sanitizer build checks), and memory stays
// proportional to the frame. The bound is the worst struct-to-wire ratio of
// these messages (a 32-byte std::string per 2-byte empty classic string) with
// room to spare; a count or length lie would blow far past it.
template <message M>
void check_mutations(uint64_t seed) {
  const api_info* info = find_api(M::api);
  for (int16_t v = info->codec_min_version; v <= info->codec_max_version; ++v) {
    testing::message_generator gen(seed * 1000 + static_cast<uint64_t>(v));
    for (int i = 0; i < 200; ++i) {
      gen.reset();
      std::vector<std::byte> bytes = encode_flat(gen.make<M>(v), v);
      if (bytes.empty()) continue;
      const int64_t flips = gen.uniform(1, 4);
      for (int64_t f = 0; f < flips; ++f) {
        const auto at = static_cast<size_t>(gen.uniform(0, static_cast<int64_t>(bytes.size()) - 1));
        bytes[at] = static_cast<std::byte>(gen.uniform(0, 255));
      }
      M decoded;
      testing::allocation_scope scope;
      (void)decode_message(bytes, v, decoded);
      EXPECT_LE(scope.stats().total_bytes, 32 * bytes.size() + 65536)
          << info->name << " v" << v << " case " << i;
    }
  }
}

TEST(round_trip, corrupted_bodies_are_decoded_or_refused_within_bounds) {
  check_mutations<api_versions_request>(21);
  check_mutations<api_versions_response>(22);
  check_mutations<metadata_request>(23);
  check_mutations<metadata_response>(24);
  check_mutations<produce_request>(25);
  check_mutations<produce_response>(26);
  check_mutations<fetch_request>(27);
  check_mutations<fetch_response>(28);
  check_mutations<list_offsets_request>(29);
  check_mutations<list_offsets_response>(30);
}

}  // namespace
}  // namespace sluice::protocol
