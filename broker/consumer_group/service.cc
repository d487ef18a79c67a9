#include "broker/consumer_group/service.h"

#include <spdlog/spdlog.h>

#include "broker/config.h"
#include "broker/group/coordinator.h"
#include "broker/group_config_store.h"
#include "broker/group_configs.h"
#include "broker/internal_topics.h"
#include "broker/topic_table.h"

namespace sluice::broker::consumer_group {

settings settings_from(const broker_config& cfg) {
  settings s;
  s.session_timeout_ms = cfg.group_consumer_session_timeout_ms;
  s.heartbeat_interval_ms = cfg.group_consumer_heartbeat_interval_ms;
  s.max_size = cfg.group_consumer_max_size;
  s.assignors = cfg.group_consumer_assignors;
  return s;
}

service::service(shard_services& shard, group::coordinator& coordinator)
    : shard_(shard), coordinator_(coordinator) {}

settings service::settings_for(std::string_view group_id) const {
  settings s = settings_from(shard_.config());
  // consumer.session.timeout.ms / consumer.heartbeat.interval.ms set on the
  // group (IncrementalAlterConfigs, kafka-configs --entity-type groups)
  // override the broker's group.consumer.* for that group only.
  const group_config g =
      effective_group_config(shard_.config(), group_configs_of(shard_), group_id);
  s.session_timeout_ms = g.consumer_session_timeout_ms;
  s.heartbeat_interval_ms = g.consumer_heartbeat_interval_ms;
  return s;
}

const modern_group* service::find(std::string_view group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : &it->second;
}

topic_partition_counts service::topic_counts() const {
  topic_partition_counts out;
  for (const auto& name : shard_.topics().topic_names()) {
    if (is_internal_topic(name)) continue;
    if (auto parts = shard_.topics().partitions(name)) {
      out[name] = static_cast<int32_t>(parts->size());
    }
  }
  return out;
}

void service::serialized(const std::string& group_id,
                         std::function<void(std::function<void()>)> fn) {
  auto [it, idle] = busy_.try_emplace(group_id);
  if (!idle) {
    it->second.push_back(
        [this, group_id, fn = std::move(fn)]() mutable { run(group_id, std::move(fn)); });
    return;
  }
  run(group_id, std::move(fn));
}

void service::run(const std::string& group_id, std::function<void(std::function<void()>)> fn) {
  std::weak_ptr<int> alive = alive_;
  fn([this, alive, group_id] {
    if (alive.expired()) return;
    auto b = busy_.find(group_id);
    if (b == busy_.end()) return;
    if (b->second.empty()) {
      busy_.erase(b);
      return;
    }
    auto next = std::move(b->second.front());
    b->second.pop_front();
    next();  // keeps the group busy until it, too, is done
  });
}

void service::append(const std::string&, const std::vector<cg_record>& records,
                     std::function<void(std::error_code)> done) {
  std::vector<group::offsets_record> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(to_offsets_record(r));
  coordinator_.append(std::move(out), std::move(done));
}

void service::heartbeat(const std::string& group_id, heartbeat_input in,
                        std::function<void(heartbeat_outcome)> done) {
  serialized(group_id, [this, group_id, in = std::move(in),
                        done = std::move(done)](std::function<void()> finish) mutable {
    if (closed_) {
      heartbeat_outcome out;
      out.error = protocol::error_code::coordinator_not_available;
      done(std::move(out));
      return finish();
    }
    const int64_t now = shard_.clock().wall_clock_ms();
    const modern_group* g = find(group_id);
    if (g == nullptr && in.member_epoch != 0) {
      // No such group (deleted, or never made durable): the member rejoins.
      heartbeat_outcome out;
      out.error = protocol::error_code::unknown_member_id;
      out.message = "Group " + group_id + " has no member " + in.member_id + ".";
      done(std::move(out));
      return finish();
    }
    const modern_group fresh(group_id);
    heartbeat_outcome out =
        (g != nullptr ? *g : fresh).heartbeat(in, topic_counts(), settings_for(group_id), now);
    if (out.error != protocol::error_code::none || out.records.empty()) {
      if (out.error == protocol::error_code::none) {
        groups_.find(group_id)->second.arm_timers(now, out.member_id);
      }
      done(std::move(out));
      return finish();
    }
    auto records = std::move(out.records);
    out.records.clear();
    append(group_id, records,
           [this, group_id, now, out = std::move(out), done = std::move(done),
            finish = std::move(finish)](std::error_code ec) mutable {
             if (ec) {
               spdlog::warn("event=consumer_group_write_failed group={} error=\"{}\"", group_id,
                            ec.message());
               heartbeat_outcome failed;
               failed.error = protocol::error_code::coordinator_not_available;
               done(std::move(failed));
               return finish();
             }
             if (auto it = groups_.find(group_id); it != groups_.end()) {
               it->second.arm_timers(now, out.member_id);
             }
             done(std::move(out));
             finish();
           });
  });
}

void service::delete_group(const std::string& group_id, std::function<void(std::error_code)> done) {
  serialized(group_id, [this, group_id, done = std::move(done)](std::function<void()> finish) {
    const modern_group* g = find(group_id);
    if (g == nullptr) {
      done({});
      return finish();
    }
    append(group_id, g->tombstones(), [done, finish = std::move(finish)](std::error_code ec) {
      done(ec);
      finish();
    });
  });
}

bool service::replay(const group::offsets_record& r) {
  auto c = from_offsets_record(r);
  if (!c) return false;
  if (c->type == group::record_type::consumer_group_metadata && c->tombstone) {
    groups_.erase(c->group);
    return true;
  }
  auto it = groups_.find(c->group);
  if (it == groups_.end()) it = groups_.emplace(c->group, modern_group(c->group)).first;
  it->second.replay(*c);
  return true;
}

void service::loaded(int64_t now_ms) {
  for (auto& [id, g] : groups_) g.arm_timers(now_ms);
  schedule_sweep();
}

void service::schedule_sweep() {
  std::weak_ptr<int> alive = alive_;
  sweep_timer_ = shard_.start_timer(std::chrono::milliseconds(1000), [this, alive] {
    if (alive.expired() || closed_) return;
    sweep(shard_.clock().wall_clock_ms());
    schedule_sweep();
  });
}

void service::sweep(int64_t now_ms) {
  for (const auto& [id, g] : groups_) {
    const settings s = settings_for(id);
    if (busy_.count(id) != 0 || g.expire(now_ms, s).empty()) continue;
    serialized(id, [this, id, now_ms, s](std::function<void()> finish) {
      const modern_group* cur = find(id);
      std::vector<cg_record> records = cur ? cur->expire(now_ms, s) : std::vector<cg_record>{};
      if (records.empty()) return finish();
      spdlog::info("event=consumer_group_members_fenced group={} reason=timeout", id);
      append(id, records, [finish](std::error_code) { finish(); });
    });
  }
}

std::vector<group::offsets_record> service::snapshot() const {
  std::vector<group::offsets_record> out;
  for (const auto& [id, g] : groups_) {
    for (const auto& r : g.snapshot()) out.push_back(to_offsets_record(r));
  }
  return out;
}

size_t service::live_records() const {
  size_t n = 0;
  for (const auto& [id, g] : groups_) n += 2 + 3 * g.members().size();
  return n;
}

void service::close() {
  closed_ = true;
  sweep_timer_.reset();
}

}  // namespace sluice::broker::consumer_group
