#pragma once
// Administration of share groups (KIP-932): describe a group's members and
// each share partition's offsets, move start offsets (reset or replay), and
// forget topics. Kafka's ShareGroupDescribe (77), DescribeShareGroupOffsets
// (90), AlterShareGroupOffsets (91) and DeleteShareGroupOffsets (92), sent
// to the group's coordinator. Like admin.h: per-item failures are values in
// the answer; a failure of the whole request is the result's error.
//
// Sluice's brokers add what Kafka's answers lack for a work queue: records
// each member holds, and each partition's end offset and records acquired
// (tagged fields, docs/decisions.md D13). Against another broker they are
// absent (nullopt).
//
// Ownership and threads: as admin, whose coordinator lookup it uses.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/admin.h"

namespace sluice::client {

struct share_member_description {
  std::string member_id;
  int32_t member_epoch = 0;
  std::string client_id;
  std::string client_host;
  std::vector<topic_partition> assignment;
  std::optional<int32_t> acquired_records;
};

struct share_group_description {
  std::string group_id;
  item_error error;   // GROUP_ID_NOT_FOUND for a group that does not exist
  std::string state;  // "Empty", "Stable"
  int32_t group_epoch = 0;
  std::vector<share_member_description> members;
};

struct share_partition_offsets {
  item_error error;
  int64_t start_offset = -1;  // -1: the group has no state for the partition
  int64_t lag = -1;           // -1: unknown
  std::optional<int64_t> end_offset;
  std::optional<int32_t> acquired_records;
};

class share_admin {
 public:
  explicit share_admin(cluster& c) : admin_(c) {}

  awaitable<result<share_group_description>> describe(std::string group_id);
  // Every share partition the group has state for (empty `partitions`), or
  // the ones given.
  awaitable<result<std::map<topic_partition, share_partition_offsets>>> offsets(
      std::string group_id, std::vector<topic_partition> partitions = {});
  // New start offsets; the group must have no members (NON_EMPTY_GROUP is
  // the result's error otherwise).
  awaitable<result<std::map<topic_partition, item_error>>> alter_offsets(
      std::string group_id, std::map<topic_partition, int64_t> start_offsets);
  // Forgets the group's state for whole topics; the group must be empty.
  awaitable<result<std::map<std::string, item_error>>> delete_offsets(
      std::string group_id, std::vector<std::string> topics);

 private:
  admin admin_;
};

}  // namespace sluice::client
