#include "broker/share/share_metrics.h"

#include "broker/metrics.h"
#include "broker/share/coordinator.h"

namespace sluice::broker::share {

void render_share_metrics(const coordinator& c, const share_counters& n, int64_t now_ms,
                          std::string& out) {
  write_family(out, "sluice_share_records_acquired", "gauge",
               "Records of a share group acquired by a member right now.");
  for (const auto& [id, g] : c.groups()) {
    int64_t acquired = 0;
    for (const auto& [tp, p] : g->partitions()) acquired += p.acquired_count(now_ms);
    out += "sluice_share_records_acquired{group=\"" + escape_label_value(id) + "\"} " +
           std::to_string(acquired) + "\n";
  }
  auto counter = [&](const char* name, const char* help, uint64_t v) {
    write_family(out, name, "counter", help);
    out += std::string(name) + " " + std::to_string(v) + "\n";
  };
  counter("sluice_share_deliveries_total", "Records handed out by ShareFetch.", n.deliveries);
  counter("sluice_share_redeliveries_total", "Records handed out again (delivery count above 1).",
          n.redeliveries);
  write_family(out, "sluice_share_records_archived_total", "counter",
               "Records archived without being accepted, by reason.");
  out += "sluice_share_records_archived_total{reason=\"rejected\"} " +
         std::to_string(n.archived_rejected) + "\n";
  out += "sluice_share_records_archived_total{reason=\"delivery_limit\"} " +
         std::to_string(n.archived_delivery_limit) + "\n";
  counter("sluice_share_records_dead_lettered_total",
          "Archived records copied to a share group's dead-letter topic.", n.dead_lettered);
}

}  // namespace sluice::broker::share
