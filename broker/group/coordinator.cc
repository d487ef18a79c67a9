#include "broker/group/coordinator.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "broker/error_mapping.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "log/errors.h"
#include "protocol/consumer_protocol.h"

namespace sluice::broker::group {
namespace {

std::map<shard_services*, coordinator*>& registry() {
  static std::map<shard_services*, coordinator*> r;
  return r;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

coordinator* coordinator_of(shard_services& shard) {
  auto it = registry().find(&shard);
  return it == registry().end() ? nullptr : it->second;
}

coordinator_registration::coordinator_registration(shard_services& shard, coordinator& c)
    : shard_(shard) {
  registry()[&shard] = &c;
}

coordinator_registration::~coordinator_registration() { registry().erase(&shard_); }

coordinator::coordinator(shard_services& shard, group_settings settings)
    : shard_(shard), settings_(settings) {
  shard_.metrics().add_source(metrics_owner_, [this](std::string& out) { render_metrics(out); });
}

coordinator::~coordinator() { close(); }

void coordinator::close() {
  closed_ = true;
  retention_timer_.reset();
  groups_.clear();
}

std::error_code coordinator::load() {
  schedule_retention_check();
  log::partition_log* p = shard_.topics().get(offsets_topic, 0);
  if (p == nullptr) return {};
  int64_t at = p->log_start_offset().value;
  size_t records = 0;
  while (at < p->high_watermark().value) {
    auto r = p->read(log::offset{at}, 1 << 20);
    if (!r) return r.error();
    if (r->slices.empty()) break;
    std::vector<std::byte> bytes;
    for (const auto& s : r->slices) {
      const size_t base = bytes.size();
      bytes.resize(base + s.length);
      size_t got = 0;
      while (got < s.length) {
        ssize_t n = ::pread(s.fd(), bytes.data() + base + got, s.length - got,
                            static_cast<off_t>(s.position.value + got));
        if (n <= 0) return std::error_code(errno ? errno : EIO, std::generic_category());
        got += static_cast<size_t>(n);
      }
    }
    // Batches are whole; the next read starts after the last batch's last offset.
    int64_t next = at;
    size_t off = 0;
    while (bytes.size() - off >= 61) {
      auto b = std::span<const std::byte>(bytes).subspan(off);
      uint32_t len = 0;
      int64_t base = 0;
      for (int i = 0; i < 8; ++i)
        base = (base << 8) | std::to_integer<uint8_t>(b[static_cast<size_t>(i)]);
      for (int i = 8; i < 12; ++i)
        len = (len << 8) | std::to_integer<uint8_t>(b[static_cast<size_t>(i)]);
      int32_t delta = 0;
      for (int i = 23; i < 27; ++i)
        delta = (delta << 8) | std::to_integer<uint8_t>(b[static_cast<size_t>(i)]);
      if (12 + static_cast<size_t>(len) > b.size()) break;
      if (!decode_batches(b.first(12 + len), [&](const offsets_record& rec) {
            replay(rec);
            ++records;
          })) {
        spdlog::error("event=offsets_replay_stopped offset={} reason=unreadable_batch", base);
        return std::make_error_code(std::errc::illegal_byte_sequence);
      }
      next = base + delta + 1;
      off += 12 + len;
    }
    if (next == at) break;
    at = next;
  }
  loaded_records_ = records;
  restore_groups();
  spdlog::info("event=offsets_loaded records={} groups={} from_offset={}", records, offsets_.size(),
               p->log_start_offset().value);
  return {};
}

void coordinator::replay(const offsets_record& r) {
  if (r.type == record_type::group_metadata && r.metadata) {
    metadata_[r.group] = *r.metadata;
    return;
  }
  if (r.type == record_type::group_metadata) {  // tombstone: the group is gone
    offsets_.erase(r.group);
    metadata_.erase(r.group);
    if (auto it = groups_.find(r.group);
        it != groups_.end() && it->second->state() == group_state::dead) {
      groups_.erase(it);
    }
    return;
  }
  auto key = std::make_pair(r.topic, r.partition);
  if (r.value) {
    offsets_[r.group][key] = *r.value;
    return;
  }
  if (auto it = offsets_.find(r.group); it != offsets_.end()) {
    it->second.erase(key);
    if (it->second.empty()) offsets_.erase(it);
  }
}

consumer_group& coordinator::get_or_create(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end() || it->second->state() == group_state::dead) {
    auto g = std::make_unique<consumer_group>(
        group_id, settings_, [this](std::chrono::milliseconds d, std::function<void()> fn) {
          return shard_.start_timer(d, std::move(fn));
        });
    g->set_persist([this, group_id](const group_metadata& m, consumer_group::persist_done done) {
      offsets_record r;
      r.type = record_type::group_metadata;
      r.group = group_id;
      r.metadata = m;
      append({std::move(r)}, [group_id, done = std::move(done)](std::error_code ec) {
        if (ec) {
          spdlog::warn("event=group_persist_failed group={} error=\"{}\"", group_id, ec.message());
        }
        if (done) done(ec);
      });
    });
    it = groups_.insert_or_assign(group_id, std::move(g)).first;
  }
  return *it->second;
}

consumer_group* coordinator::find(std::string_view group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

const group_metadata* coordinator::metadata(std::string_view group_id) const {
  auto it = metadata_.find(group_id);
  return it == metadata_.end() ? nullptr : &it->second;
}

void coordinator::restore_groups() {
  for (const auto& [id, m] : metadata_) {
    consumer_group& g = get_or_create(id);
    g.restore(m);
    spdlog::info("event=group_restored group={} state={} generation={} members={}", id,
                 state_name(g.state()), g.generation(), g.members().size());
  }
}

const coordinator::offsets_map* coordinator::offsets(std::string_view group_id) const {
  auto it = offsets_.find(group_id);
  return it == offsets_.end() ? nullptr : &it->second;
}

void coordinator::append(std::vector<offsets_record> records,
                         std::function<void(std::error_code)> done) {
  log::partition_log* p = shard_.topics().get(offsets_topic, 0);
  if (p == nullptr) {
    if (!shard_.topics().partitions(offsets_topic)) {
      if (auto ec = shard_.topics().create_topic(offsets_topic, 1)) return done(ec);
      spdlog::info("event=offsets_topic_created topic={}", offsets_topic);
    }
    p = shard_.topics().get(offsets_topic, 0);
    if (p == nullptr) return done(log::errc::not_found);
  }
  auto bytes = std::make_shared<std::vector<std::byte>>(encode_batch(records, now_ms()));
  auto shared = std::make_shared<std::vector<offsets_record>>(std::move(records));
  ++appends_in_flight_;
  auto r =
      p->append(*bytes, log::ack_level::flushed, [this, bytes, shared, done](std::error_code ec) {
        --appends_in_flight_;
        if (!ec) {
          for (const auto& rec : *shared) replay(rec);
        }
        done(ec);
        if (!ec && appends_in_flight_ == 0) maybe_compact();
      });
  if (!r) {
    --appends_in_flight_;
    return done(r.error());
  }
  shard_.request_flush();
}

void coordinator::delete_group(const std::string& group_id,
                               std::function<void(std::error_code)> done) {
  offsets_record r;
  r.type = record_type::group_deleted;
  r.group = group_id;
  append({std::move(r)}, std::move(done));
}

void coordinator::delete_groups(const std::vector<std::string>& ids, errors_fn done) {
  using protocol::error_code;
  std::vector<error_code> errors;
  std::vector<offsets_record> records;
  for (const auto& id : ids) {
    error_code e = error_code::none;
    consumer_group* g = find(id);
    if (id.empty()) {
      e = error_code::invalid_group_id;
    } else if (g != nullptr && g->state() != group_state::dead) {
      e = g->remove();  // Empty -> Dead, else NON_EMPTY_GROUP
    } else if (offsets(id) == nullptr) {
      e = error_code::group_id_not_found;
    }
    errors.push_back(e);
    if (e != error_code::none) continue;
    offsets_record r;
    r.type = record_type::group_deleted;
    r.group = id;
    records.push_back(std::move(r));
  }
  if (records.empty()) return done(std::move(errors));
  append(std::move(records), [errors, done = std::move(done)](std::error_code ec) mutable {
    for (auto& e : errors) {
      if (ec && e == error_code::none) e = error_code::coordinator_not_available;
    }
    if (ec) spdlog::warn("event=delete_groups_failed error=\"{}\"", ec.message());
    done(std::move(errors));
  });
}

void coordinator::delete_offsets(
    const std::string& group_id, const partition_list& partitions,
    std::function<void(protocol::error_code, std::vector<protocol::error_code>)> done) {
  using protocol::error_code;
  std::vector<error_code> errors(partitions.size(), error_code::none);
  if (group_id.empty()) return done(error_code::invalid_group_id, std::move(errors));
  consumer_group* g = find(group_id);
  if (g != nullptr && g->state() == group_state::dead) g = nullptr;
  const offsets_map* committed = offsets(group_id);
  if (g == nullptr && committed == nullptr) {
    return done(error_code::group_id_not_found, std::move(errors));
  }
  const bool active = g != nullptr && g->state() != group_state::empty;
  if (active && g->protocol_type() != protocol::consumer_protocol_type) {
    return done(error_code::non_empty_group, std::move(errors));
  }
  std::vector<offsets_record> records;
  std::vector<size_t> written;  // indices into `partitions` that get a tombstone
  for (size_t i = 0; i < partitions.size(); ++i) {
    const auto& [topic, partition] = partitions[i];
    if (active && g->subscribes_to(topic)) {
      errors[i] = error_code::group_subscribed_to_topic;
      continue;
    }
    if (committed == nullptr || !committed->contains({topic, partition})) continue;
    offsets_record r;
    r.group = group_id;
    r.topic = topic;
    r.partition = partition;
    records.push_back(std::move(r));  // null value: the offset is deleted
    written.push_back(i);
  }
  if (records.empty()) return done(error_code::none, std::move(errors));
  append(std::move(records), [errors = std::move(errors), written = std::move(written),
                              done = std::move(done)](std::error_code ec) mutable {
    if (ec) {
      spdlog::warn("event=offset_delete_failed error=\"{}\"", ec.message());
      for (size_t i : written) errors[i] = error_code::coordinator_not_available;
    }
    done(error_code::none, std::move(errors));
  });
}

void coordinator::delete_topic_offsets(const std::string& topic,
                                       std::function<void(std::error_code)> done) {
  std::vector<offsets_record> records;
  for (const auto& [group_id, committed] : offsets_) {
    for (const auto& [tp, offset] : committed) {
      if (tp.first != topic) continue;
      offsets_record r;
      r.group = group_id;
      r.topic = topic;
      r.partition = tp.second;
      records.push_back(std::move(r));  // null value: the offset is deleted
    }
  }
  if (records.empty()) return done({});
  append(std::move(records), std::move(done));
}

}  // namespace sluice::broker::group
