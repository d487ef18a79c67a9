#pragma once
// The share coordinator's Prometheus families (docs/metrics.md,
// docs/share-groups.md), written at the end of the broker's page through
// broker_metrics::add_source:
//   sluice_share_records_acquired            gauge, per group: records locked now
//   sluice_share_deliveries_total            counter: records handed out
//   sluice_share_redeliveries_total          counter: ... with delivery count > 1
//   sluice_share_records_archived_total      counter, per reason (rejected, delivery_limit)
//   sluice_share_records_dead_lettered_total counter: copies written to a dead-letter topic
// Ownership: a value inside the coordinator. Thread: the shard's.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace sluice::broker::share {

class coordinator;

struct share_counters {
  uint64_t deliveries = 0;
  uint64_t redeliveries = 0;
  uint64_t archived_rejected = 0;
  uint64_t archived_delivery_limit = 0;
  uint64_t dead_lettered = 0;
};

// now_ms: the shard clock's time, against which locks count as held.
void render_share_metrics(const coordinator& c, const share_counters& n, int64_t now_ms,
                          std::string& out);

}  // namespace sluice::broker::share
