#pragma once
// The "consumer" group protocol's payloads: what consumers put in the opaque
// bytes of JoinGroup (protocol metadata: a subscription) and SyncGroup (member
// assignment). The coordinator never needs them to run a group; the broker
// reads them for DescribeGroups-style reporting and metrics, and Sluice's
// client writes and reads them to take part in client-side assignment.
//
// Layout: an int16 version, then the fields, classic encoding (int16 string
// lengths, int32 array counts and byte lengths, -1 for null; never flexible):
//
//   ConsumerProtocolSubscription
//     v0: version | topics [string] | user_data nullable bytes
//     v1: v0 + owned_partitions [topic string | partitions [int32]]
//   ConsumerProtocolAssignment
//     v0, v1: version | assigned_partitions [topic string | partitions [int32]]
//             | user_data nullable bytes   (v1 only tells a cooperative client)
//
// Kafka's rule for these payloads is that a newer version only appends fields,
// and a reader parses a newer version with the layout it knows. So decoding
// accepts any version >= 0 and reads the v1 layout for v1 and above, ignoring
// what follows (Kafka's v2 generation_id and v3 rack_id). One leniency more:
// kafkajs 2.2.4's MemberMetadata.encode writes the v0 layout whatever version
// it is given, and its own fixture and the custom assigners in its docs say
// version 1; so a v1+ subscription that ends right after user_data decodes
// with no owned partitions. Encoding writes versions 0-1 only.
//
// Clients differ in user_data: librdkafka, kafka-python and kafkajs send an
// empty one in subscriptions; Kafka's default, and librdkafka's assignments,
// are null. The difference is kept.
//
// Free functions on values; no state, any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

// The group protocol type whose metadata these payloads are.
inline constexpr std::string_view consumer_protocol_type = "consumer";
// Highest version encode_*() writes and decode_*() reads in full.
inline constexpr int16_t consumer_protocol_max_version = 1;

struct consumer_protocol_subscription {
  struct topic_partition {
    std::string topic;
    std::vector<int32_t> partitions;
    friend bool operator==(const topic_partition&, const topic_partition&) = default;
  };

  std::vector<std::string> topics;
  std::optional<std::vector<std::byte>> user_data;  // assignor-specific; null by default
  std::vector<topic_partition> owned_partitions;    // v1+

  // The fields after the version prefix, in `version`'s layout.
  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const consumer_protocol_subscription&,
                         const consumer_protocol_subscription&) = default;
};

struct consumer_protocol_assignment {
  struct topic_partition {
    std::string topic;
    std::vector<int32_t> partitions;
    friend bool operator==(const topic_partition&, const topic_partition&) = default;
  };

  std::vector<topic_partition> assigned_partitions;
  std::optional<std::vector<std::byte>> user_data;  // assignor-specific; null by default

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const consumer_protocol_assignment&,
                         const consumer_protocol_assignment&) = default;
};

// Decode a whole payload (version prefix included). On success `version`, if
// given, receives the version the bytes declare; on error `out` is untouched.
// A negative version is unsupported_version; short bytes are truncated.
std::error_code decode_consumer_protocol_subscription(std::span<const std::byte> bytes,
                                                      consumer_protocol_subscription& out,
                                                      int16_t* version = nullptr);
std::error_code decode_consumer_protocol_assignment(std::span<const std::byte> bytes,
                                                    consumer_protocol_assignment& out,
                                                    int16_t* version = nullptr);

// Encode a whole payload at `version` (0 or 1), replacing `out`'s contents.
std::error_code encode_consumer_protocol_subscription(const consumer_protocol_subscription& m,
                                                      int16_t version, std::vector<std::byte>& out);
std::error_code encode_consumer_protocol_assignment(const consumer_protocol_assignment& m,
                                                    int16_t version, std::vector<std::byte>& out);

}  // namespace sluice::protocol
