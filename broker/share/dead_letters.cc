#include "broker/share/dead_letters.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "broker/internal_batch.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "log/errors.h"
#include "log/log_reader.h"

namespace sluice::broker::share {
namespace {

bytes text(const std::string& s) {
  return bytes(reinterpret_cast<const std::byte*>(s.data()),
               reinterpret_cast<const std::byte*>(s.data()) + s.size());
}

// The original record at `offset`, or a placeholder when it cannot be read.
batch_record original(const log::partition_log* p, int64_t offset) {
  batch_record out;
  out.offset = offset;
  bool found = false;
  bytes data;
  if (p != nullptr && !log::read_batches(*p, log::offset{offset}, 1, data)) {
    size_t at = 0;
    for (const batch_header& h : scan_batches(data)) {
      if (offset >= h.base_offset && offset <= h.last_offset && !h.compressed()) {
        decode_batch(std::span<const std::byte>(data).subspan(at, h.size), [&](batch_record&& r) {
          if (r.offset == offset) {
            out = std::move(r);
            found = true;
          }
        });
      }
      at += h.size;
    }
  }
  if (!found) out.headers.emplace_back("sluice.dlq.payload", text("unavailable"));
  return out;
}

}  // namespace

void write_dead_letters(shard_services& shard, const std::string& dlq_topic,
                        const std::string& group, const std::string& topic, int32_t partition,
                        const std::vector<dead_letter>& letters,
                        std::function<void(std::error_code)> done) {
  if (letters.empty()) return done({});
  topic_table& topics = shard.topics();
  const log::partition_log* source = topics.get(topic, partition);
  std::vector<batch_record> copies;
  for (const dead_letter& d : letters) {
    batch_record r = original(source, d.offset);
    r.headers.emplace_back("sluice.dlq.topic", text(topic));
    r.headers.emplace_back("sluice.dlq.partition", text(std::to_string(partition)));
    r.headers.emplace_back("sluice.dlq.offset", text(std::to_string(d.offset)));
    r.headers.emplace_back("sluice.dlq.delivery.count", text(std::to_string(d.delivery_count)));
    r.headers.emplace_back(
        "sluice.dlq.reason",
        text(d.reason == archive_reason::rejected ? "rejected" : "delivery_limit"));
    r.headers.emplace_back("sluice.dlq.group", text(group));
    copies.push_back(std::move(r));
  }
  if (!topics.partitions(dlq_topic)) {
    if (auto ec = topics.create_topic(dlq_topic, 1)) return done(ec);
    spdlog::info("event=share_dlq_topic_created topic={} group={}", dlq_topic, group);
  }
  log::partition_log* p = topics.get(dlq_topic, 0);
  if (p == nullptr) return done(log::errc::not_found);
  auto batch = std::make_shared<bytes>(encode_batch(copies));
  auto r =
      p->append(*batch, log::ack_level::flushed, [batch, done](std::error_code ec) { done(ec); });
  if (!r) return done(r.error());
  shard.metrics().add_bytes_in(dlq_topic, batch->size());
  shard.request_flush();
}

}  // namespace sluice::broker::share
