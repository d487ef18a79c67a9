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
#include "tests/protocol/random_messages_admin.h"
#include "tests/protocol/random_messages_group.h"
#include "tests/protocol/random_messages_offsets.h"
#include "tests/protocol/random_messages_txn.h"

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

TEST(round_trip, create_topics_request_every_version) {
  check_round_trips<create_topics_request>(100);
}
TEST(round_trip, create_topics_response_every_version) {
  check_round_trips<create_topics_response>(101);
}
TEST(round_trip, delete_topics_request_every_version) {
  check_round_trips<delete_topics_request>(102);
}
TEST(round_trip, delete_topics_response_every_version) {
  check_round_trips<delete_topics_response>(103);
}
TEST(round_trip, create_partitions_request_every_version) {
  check_round_trips<create_partitions_request>(104);
}
TEST(round_trip, create_partitions_response_every_version) {
  check_round_trips<create_partitions_response>(105);
}
TEST(round_trip, describe_configs_request_every_version) {
  check_round_trips<describe_configs_request>(106);
}
TEST(round_trip, describe_configs_response_every_version) {
  check_round_trips<describe_configs_response>(107);
}
TEST(round_trip, alter_configs_request_every_version) {
  check_round_trips<alter_configs_request>(108);
}
TEST(round_trip, alter_configs_response_every_version) {
  check_round_trips<alter_configs_response>(109);
}
TEST(round_trip, delete_records_request_every_version) {
  check_round_trips<delete_records_request>(110);
}
TEST(round_trip, delete_records_response_every_version) {
  check_round_trips<delete_records_response>(111);
}
TEST(round_trip, incremental_alter_configs_request_every_version) {
  check_round_trips<incremental_alter_configs_request>(170);
}
TEST(round_trip, incremental_alter_configs_response_every_version) {
  check_round_trips<incremental_alter_configs_response>(171);
}
TEST(round_trip, describe_cluster_request_every_version) {
  check_round_trips<describe_cluster_request>(172);
}
TEST(round_trip, describe_cluster_response_every_version) {
  check_round_trips<describe_cluster_response>(173);
}
TEST(round_trip, describe_log_dirs_request_every_version) {
  check_round_trips<describe_log_dirs_request>(174);
}
TEST(round_trip, describe_log_dirs_response_every_version) {
  check_round_trips<describe_log_dirs_response>(175);
}
TEST(round_trip, init_producer_id_request_every_version) {
  check_round_trips<init_producer_id_request>(112);
}
TEST(round_trip, init_producer_id_response_every_version) {
  check_round_trips<init_producer_id_response>(113);
}
TEST(round_trip, find_coordinator_request_every_version) {
  check_round_trips<find_coordinator_request>(114);
}
TEST(round_trip, find_coordinator_response_every_version) {
  check_round_trips<find_coordinator_response>(115);
}
TEST(round_trip, join_group_request_every_version) { check_round_trips<join_group_request>(116); }
TEST(round_trip, join_group_response_every_version) { check_round_trips<join_group_response>(117); }
TEST(round_trip, sync_group_request_every_version) { check_round_trips<sync_group_request>(118); }
TEST(round_trip, sync_group_response_every_version) { check_round_trips<sync_group_response>(119); }
TEST(round_trip, heartbeat_request_every_version) { check_round_trips<heartbeat_request>(120); }
TEST(round_trip, heartbeat_response_every_version) { check_round_trips<heartbeat_response>(121); }
TEST(round_trip, leave_group_request_every_version) { check_round_trips<leave_group_request>(122); }
TEST(round_trip, leave_group_response_every_version) {
  check_round_trips<leave_group_response>(123);
}
TEST(round_trip, offset_commit_request_every_version) {
  check_round_trips<offset_commit_request>(124);
}
TEST(round_trip, offset_commit_response_every_version) {
  check_round_trips<offset_commit_response>(125);
}
TEST(round_trip, offset_fetch_request_every_version) {
  check_round_trips<offset_fetch_request>(126);
}
TEST(round_trip, offset_fetch_response_every_version) {
  check_round_trips<offset_fetch_response>(127);
}
TEST(round_trip, list_groups_request_every_version) { check_round_trips<list_groups_request>(128); }
TEST(round_trip, list_groups_response_every_version) {
  check_round_trips<list_groups_response>(129);
}
TEST(round_trip, describe_groups_request_every_version) {
  check_round_trips<describe_groups_request>(130);
}
TEST(round_trip, describe_groups_response_every_version) {
  check_round_trips<describe_groups_response>(131);
}
TEST(round_trip, delete_groups_request_every_version) {
  check_round_trips<delete_groups_request>(132);
}
TEST(round_trip, delete_groups_response_every_version) {
  check_round_trips<delete_groups_response>(133);
}
TEST(round_trip, offset_delete_request_every_version) {
  check_round_trips<offset_delete_request>(134);
}
TEST(round_trip, offset_delete_response_every_version) {
  check_round_trips<offset_delete_response>(135);
}
TEST(round_trip, offset_for_leader_epoch_request_every_version) {
  check_round_trips<offset_for_leader_epoch_request>(140);
}
TEST(round_trip, offset_for_leader_epoch_response_every_version) {
  check_round_trips<offset_for_leader_epoch_response>(141);
}
TEST(round_trip, describe_topic_partitions_request_every_version) {
  check_round_trips<describe_topic_partitions_request>(142);
}
TEST(round_trip, describe_topic_partitions_response_every_version) {
  check_round_trips<describe_topic_partitions_response>(143);
}

TEST(round_trip, add_partitions_to_txn_request_every_version) {
  check_round_trips<add_partitions_to_txn_request>(300);
}
TEST(round_trip, add_partitions_to_txn_response_every_version) {
  check_round_trips<add_partitions_to_txn_response>(301);
}
TEST(round_trip, add_offsets_to_txn_request_every_version) {
  check_round_trips<add_offsets_to_txn_request>(302);
}
TEST(round_trip, add_offsets_to_txn_response_every_version) {
  check_round_trips<add_offsets_to_txn_response>(303);
}
TEST(round_trip, end_txn_request_every_version) { check_round_trips<end_txn_request>(304); }
TEST(round_trip, end_txn_response_every_version) { check_round_trips<end_txn_response>(305); }
TEST(round_trip, write_txn_markers_request_every_version) {
  check_round_trips<write_txn_markers_request>(306);
}
TEST(round_trip, write_txn_markers_response_every_version) {
  check_round_trips<write_txn_markers_response>(307);
}
TEST(round_trip, txn_offset_commit_request_every_version) {
  check_round_trips<txn_offset_commit_request>(308);
}
TEST(round_trip, txn_offset_commit_response_every_version) {
  check_round_trips<txn_offset_commit_response>(309);
}
TEST(round_trip, describe_producers_request_every_version) {
  check_round_trips<describe_producers_request>(310);
}
TEST(round_trip, describe_producers_response_every_version) {
  check_round_trips<describe_producers_response>(311);
}
TEST(round_trip, describe_transactions_request_every_version) {
  check_round_trips<describe_transactions_request>(312);
}
TEST(round_trip, describe_transactions_response_every_version) {
  check_round_trips<describe_transactions_response>(313);
}
TEST(round_trip, list_transactions_request_every_version) {
  check_round_trips<list_transactions_request>(314);
}
TEST(round_trip, list_transactions_response_every_version) {
  check_round_trips<list_transactions_response>(315);
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

TEST(round_trip, admin_truncated_bodies_are_refused) {
  check_truncations<create_topics_request>(200);
  check_truncations<create_topics_response>(201);
  check_truncations<delete_topics_request>(202);
  check_truncations<delete_topics_response>(203);
  check_truncations<create_partitions_request>(204);
  check_truncations<create_partitions_response>(205);
  check_truncations<describe_configs_request>(206);
  check_truncations<describe_configs_response>(207);
  check_truncations<alter_configs_request>(208);
  check_truncations<alter_configs_response>(209);
  check_truncations<delete_records_request>(210);
  check_truncations<delete_records_response>(211);
  check_truncations<init_producer_id_request>(212);
  check_truncations<init_producer_id_response>(213);
  check_truncations<incremental_alter_configs_request>(214);
  check_truncations<incremental_alter_configs_response>(215);
  check_truncations<describe_cluster_request>(216);
  check_truncations<describe_cluster_response>(217);
  check_truncations<describe_log_dirs_request>(218);
  check_truncations<describe_log_dirs_response>(219);
}

TEST(round_trip, group_truncated_bodies_are_refused) {
  check_truncations<find_coordinator_request>(220);
  check_truncations<find_coordinator_response>(221);
  check_truncations<join_group_request>(222);
  check_truncations<join_group_response>(223);
  check_truncations<sync_group_request>(224);
  check_truncations<sync_group_response>(225);
  check_truncations<heartbeat_request>(226);
  check_truncations<heartbeat_response>(227);
  check_truncations<leave_group_request>(228);
  check_truncations<leave_group_response>(229);
  check_truncations<offset_commit_request>(230);
  check_truncations<offset_commit_response>(231);
  check_truncations<offset_fetch_request>(232);
  check_truncations<offset_fetch_response>(233);
  check_truncations<list_groups_request>(234);
  check_truncations<list_groups_response>(235);
  check_truncations<describe_groups_request>(236);
  check_truncations<describe_groups_response>(237);
  check_truncations<delete_groups_request>(238);
  check_truncations<delete_groups_response>(239);
  check_truncations<offset_delete_request>(240);
  check_truncations<offset_delete_response>(241);
  check_truncations<offset_for_leader_epoch_request>(242);
  check_truncations<offset_for_leader_epoch_response>(243);
  check_truncations<describe_topic_partitions_request>(244);
  check_truncations<describe_topic_partitions_response>(245);
}

TEST(round_trip, txn_truncated_bodies_are_refused) {
  check_truncations<add_partitions_to_txn_request>(320);
  check_truncations<add_partitions_to_txn_response>(321);
  check_truncations<add_offsets_to_txn_request>(322);
  check_truncations<add_offsets_to_txn_response>(323);
  check_truncations<end_txn_request>(324);
  check_truncations<end_txn_response>(325);
  check_truncations<write_txn_markers_request>(326);
  check_truncations<write_txn_markers_response>(327);
  check_truncations<txn_offset_commit_request>(328);
  check_truncations<txn_offset_commit_response>(329);
  check_truncations<describe_producers_request>(330);
  check_truncations<describe_producers_response>(331);
  check_truncations<describe_transactions_request>(332);
  check_truncations<describe_transactions_response>(333);
  check_truncations<list_transactions_request>(334);
  check_truncations<list_transactions_response>(335);
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

TEST(round_trip, admin_corrupted_bodies_are_decoded_or_refused_within_bounds) {
  check_mutations<create_topics_request>(250);
  check_mutations<create_topics_response>(251);
  check_mutations<delete_topics_request>(252);
  check_mutations<delete_topics_response>(253);
  check_mutations<create_partitions_request>(254);
  check_mutations<create_partitions_response>(255);
  check_mutations<describe_configs_request>(256);
  check_mutations<describe_configs_response>(257);
  check_mutations<alter_configs_request>(258);
  check_mutations<alter_configs_response>(259);
  check_mutations<delete_records_request>(260);
  check_mutations<delete_records_response>(261);
  check_mutations<init_producer_id_request>(262);
  check_mutations<init_producer_id_response>(263);
  check_mutations<incremental_alter_configs_request>(264);
  check_mutations<incremental_alter_configs_response>(265);
  check_mutations<describe_cluster_request>(266);
  check_mutations<describe_cluster_response>(267);
  check_mutations<describe_log_dirs_request>(268);
  check_mutations<describe_log_dirs_response>(269);
}

TEST(round_trip, group_corrupted_bodies_are_decoded_or_refused_within_bounds) {
  check_mutations<find_coordinator_request>(270);
  check_mutations<find_coordinator_response>(271);
  check_mutations<join_group_request>(272);
  check_mutations<join_group_response>(273);
  check_mutations<sync_group_request>(274);
  check_mutations<sync_group_response>(275);
  check_mutations<heartbeat_request>(276);
  check_mutations<heartbeat_response>(277);
  check_mutations<leave_group_request>(278);
  check_mutations<leave_group_response>(279);
  check_mutations<offset_commit_request>(280);
  check_mutations<offset_commit_response>(281);
  check_mutations<offset_fetch_request>(282);
  check_mutations<offset_fetch_response>(283);
  check_mutations<list_groups_request>(284);
  check_mutations<list_groups_response>(285);
  check_mutations<describe_groups_request>(286);
  check_mutations<describe_groups_response>(287);
  check_mutations<delete_groups_request>(288);
  check_mutations<delete_groups_response>(289);
  check_mutations<offset_delete_request>(290);
  check_mutations<offset_delete_response>(291);
  check_mutations<offset_for_leader_epoch_request>(292);
  check_mutations<offset_for_leader_epoch_response>(293);
  check_mutations<describe_topic_partitions_request>(294);
  check_mutations<describe_topic_partitions_response>(295);
}

TEST(round_trip, txn_corrupted_bodies_are_decoded_or_refused_within_bounds) {
  check_mutations<add_partitions_to_txn_request>(340);
  check_mutations<add_partitions_to_txn_response>(341);
  check_mutations<add_offsets_to_txn_request>(342);
  check_mutations<add_offsets_to_txn_response>(343);
  check_mutations<end_txn_request>(344);
  check_mutations<end_txn_response>(345);
  check_mutations<write_txn_markers_request>(346);
  check_mutations<write_txn_markers_response>(347);
  check_mutations<txn_offset_commit_request>(348);
  check_mutations<txn_offset_commit_response>(349);
  check_mutations<describe_producers_request>(350);
  check_mutations<describe_producers_response>(351);
  check_mutations<describe_transactions_request>(352);
  check_mutations<describe_transactions_response>(353);
  check_mutations<list_transactions_request>(354);
  check_mutations<list_transactions_response>(355);
}

}  // namespace
}  // namespace sluice::protocol
