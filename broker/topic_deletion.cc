#include "broker/topic_deletion.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "broker/group/coordinator.h"
#include "broker/request.h"
#include "broker/share/coordinator.h"

namespace sluice::broker {

void forget_deleted_topic(shard_services& shard, const std::string& topic) {
  auto logged = [topic](const char* what) {
    return [topic, what](std::error_code ec) {
      if (ec) {
        spdlog::warn("event=deleted_topic_state_kept topic={} state={} error=\"{}\"", topic, what,
                     ec.message());
      }
    };
  };
  if (group::coordinator* c = group::coordinator_of(shard)) {
    c->delete_topic_offsets(topic, logged("committed_offsets"));
  }
  if (share::coordinator* c = share::coordinator_of(shard)) {
    for (const auto& [id, g] : c->groups()) {
      std::vector<share::topic_partition> gone;
      for (const auto& [tp, p] : g->partitions()) {
        if (tp.first == topic) gone.push_back(tp);
      }
      if (!gone.empty()) c->forget(*g, gone, logged("share_partitions"));
    }
  }
}

}  // namespace sluice::broker
