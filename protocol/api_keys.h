#pragma once
// Which API a request is, and what its version implies for the encoding.
//
// Flexibility is data: one row per API key holds Kafka's name, the first
// flexible version (KIP-482: compact strings/arrays/bytes, tagged fields,
// request header v2, response header v1) and the versions this codec
// implements. Message code asks is_flexible(api, version) and never hard-codes
// a version boundary for the encoding, so supporting a flexible version is a
// matter of adding its fields and raising codec_max_version here.
//
// Header versions follow from the row:
//   request header:  v2 when flexible, else v1 (v0 only for ControlledShutdown v0)
//   response header: v1 when flexible, else v0; ApiVersions always v0 (KIP-511),
//                    because a client must read the header of an answer to a
//                    version it guessed before knowing what the broker speaks.

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace sluice::protocol {

enum class api_key : int16_t {
  produce = 0,
  fetch = 1,
  list_offsets = 2,
  metadata = 3,
  controlled_shutdown = 7,
  offset_commit = 8,
  offset_fetch = 9,
  find_coordinator = 10,
  join_group = 11,
  heartbeat = 12,
  leave_group = 13,
  sync_group = 14,
  describe_groups = 15,
  list_groups = 16,
  sasl_handshake = 17,
  api_versions = 18,
  create_topics = 19,
  delete_topics = 20,
  delete_records = 21,
  init_producer_id = 22,
  offset_for_leader_epoch = 23,
  add_partitions_to_txn = 24,
  add_offsets_to_txn = 25,
  end_txn = 26,
  write_txn_markers = 27,
  txn_offset_commit = 28,
  describe_configs = 32,
  alter_configs = 33,
  describe_log_dirs = 35,
  sasl_authenticate = 36,
  create_partitions = 37,
  delete_groups = 42,
  incremental_alter_configs = 44,
  offset_delete = 47,
  describe_cluster = 60,
  describe_producers = 61,
  describe_transactions = 65,
  list_transactions = 66,
  consumer_group_heartbeat = 68,
  consumer_group_describe = 69,
  describe_topic_partitions = 75,
  share_group_heartbeat = 76,
  share_group_describe = 77,
  share_fetch = 78,
  share_acknowledge = 79,
  describe_share_group_offsets = 90,
  alter_share_group_offsets = 91,
  delete_share_group_offsets = 92,
};

// A first_flexible_version for APIs that have no flexible version.
inline constexpr int16_t never_flexible = std::numeric_limits<int16_t>::max();
// codec_min/max_version for APIs this codec does not implement yet.
inline constexpr int16_t no_codec = -1;

struct api_info {
  api_key key;
  std::string_view name;           // Kafka's name: "ApiVersions"
  int16_t first_flexible_version;  // never_flexible if none
  int16_t codec_min_version;       // versions this codec decodes and encodes,
  int16_t codec_max_version;       // no_codec when none
  bool response_header_always_v0;  // ApiVersions (KIP-511)
  int16_t last_request_header_v0;  // versions <= this use request header v0; -1 if none
};

// All rows, ordered by key.
std::span<const api_info> all_apis() noexcept;
// The row for `key`, or nullptr for a key the table does not know.
const api_info* find_api(api_key key) noexcept;
// Kafka's name, or "Unknown".
std::string_view api_name(api_key key) noexcept;

bool is_flexible(api_key key, int16_t version) noexcept;
// Whether this codec decodes and encodes (key, version).
bool codec_supports(api_key key, int16_t version) noexcept;
// Header versions; an unknown key gets the classic ones (request v1,
// response v0) so that its correlation id can still be read and echoed.
int16_t request_header_version(api_key key, int16_t version) noexcept;
int16_t response_header_version(api_key key, int16_t version) noexcept;

}  // namespace sluice::protocol
