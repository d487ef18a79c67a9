// Share groups under sluice.share.isolation.level=read_committed: nothing at
// or past the last stable offset is acquired, and the data of aborted
// transactions is archived, never delivered.
#include <gtest/gtest.h>

#include "base/big_endian.h"
#include "log/record_batch.h"
#include "broker/internal_batch.h"
#include "broker/share/aborted_records.h"
#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/share/share_partition.h"
#include "protocol/messages/share_fetch.h"
#include "protocol/messages/share_group_heartbeat.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/handlers/txn_batches.h"
#include "tests/broker/share/share_calls.h"

namespace sluice::broker::share {
namespace {

using protocol::share_fetch_response;
using ranges_t = std::vector<std::pair<int64_t, int64_t>>;

TEST(share_partition_never_deliver, archives_excluded_offsets_without_delivering_them) {
  share_partition p(partition_settings{}, 0);
  auto a = p.acquire("m", 3, 0, 10, {{0, 2}, {5, 6}});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (acquired_range{3, 4, 1}));  // 0-2 archived, not counted against 3
  EXPECT_EQ(a[1], (acquired_range{7, 7, 1}));
  EXPECT_EQ(p.start_offset(), 3);  // the archived prefix is done
  EXPECT_FALSE(p.has_dead_letters());
  EXPECT_EQ(p.acquired_by("m"), 3);
}

class share_read_committed : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 1));
    writer_ = std::make_unique<test::txn_writer>(*shard_.topics().get("t", 0), shard_.backend());
  }

  // Joins member "m" of group "g" to a coordinator with the isolation asked.
  void start(bool read_committed) {
    share_settings s = earliest();
    s.partition.read_committed = read_committed;
    coordinator_ = std::make_unique<coordinator>(shard_, s);
    registration_ = std::make_unique<coordinator_registration>(shard_, *coordinator_);
    protocol::share_group_heartbeat_request hb;
    hb.group_id = "g";
    hb.member_id = "m";
    hb.subscribed_topic_names = std::vector<std::string>{"t"};
    call<protocol::share_group_heartbeat_response>(shard_, &handle_share_group_heartbeat, hb, 1);
  }

  ranges_t acquire(int32_t epoch) {
    auto r = call<share_fetch_response>(shard_, &handle_share_fetch, fetch(shard_, epoch, 100), 1);
    ranges_t out;
    if (r.responses.empty()) return out;
    for (const auto& a : r.responses.at(0).partitions.at(0).acquired) {
      out.emplace_back(a.first_offset, a.last_offset);
    }
    return out;
  }

  // 0-2 producer 7's aborted data, 3 its abort marker, 4-5 plain, 6-7
  // producer 8's transaction, still open.
  void write_log() {
    writer_->data(3, 7, 0);
    writer_->end_txn(7, false);
    writer_->data(2, -1, -1, false);
    writer_->data(2, 8, 0);
  }

  test::fake_shard shard_;
  std::unique_ptr<test::txn_writer> writer_;
  std::unique_ptr<coordinator> coordinator_;
  std::unique_ptr<coordinator_registration> registration_;
};

TEST_F(share_read_committed, skips_aborted_records_and_stops_at_the_lso) {
  write_log();
  start(true);
  EXPECT_EQ(acquire(0), (ranges_t{{3, 5}}));  // the marker and the plain batch
  writer_->end_txn(8, true);                  // 8: the LSO passes the committed data
  EXPECT_EQ(acquire(1), (ranges_t{{6, 8}}));
}

TEST_F(share_read_committed, read_uncommitted_delivers_everything_below_the_hw) {
  write_log();
  start(false);
  EXPECT_EQ(acquire(0), (ranges_t{{0, 7}}));
}

TEST(share_aborted_ranges, follow_each_producer_until_its_marker) {
  // Batches: pid 7 txn @0-1, pid 9 txn @2 (committed later), pid 7 marker @3,
  // pid 7 txn @4 (a later transaction, not aborted).
  std::vector<bytes> batches = {
      test::producer_batch(2, 7, 0, 0, true), test::producer_batch(1, 9, 0, 0, true),
      txn::encode_marker({7, 0, false, 0}, 1), test::producer_batch(1, 7, 0, 2, true)};
  bytes data;
  int64_t base = 0;
  for (auto& b : batches) {
    log::set_base_offset(b, log::offset{base});
    base += 1 + base::load_be<int32_t>(b.data() + 23);
    data.insert(data.end(), b.begin(), b.end());
  }
  std::vector<log::batch_info> headers;
  for (size_t at = 0; at < data.size();) {
    log::record_batch_view v(std::span<const std::byte>(data).subspan(at));
    log::batch_info b;
    b.base_offset = v.base_offset();
    b.last_offset = v.last_offset();
    b.attributes = v.attributes();
    b.producer_id = v.producer_id();
    headers.push_back(b);
    at += v.size_in_bytes();
  }
  ASSERT_EQ(headers.size(), 4u);
  log::aborted_txn a{7, log::offset{0}, log::offset{3}, log::offset{0}};
  EXPECT_EQ(aborted_ranges(headers, {a}), (ranges_t{{0, 1}}));
  EXPECT_EQ(aborted_ranges(headers, {}), ranges_t{});
}

}  // namespace
}  // namespace sluice::broker::share
