#pragma once
// sluice perf produce|consume|e2e: Kafka's kafka-producer-perf-test,
// kafka-consumer-perf-test and EndToEndLatency, with their flags and output
// lines, plus --json and an HTML --report (tools/html_report.h).

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> perf_produce(session& s, const perf_options& o);
awaitable<status> perf_consume(session& s, const perf_options& o);
awaitable<status> perf_e2e(session& s, const perf_options& o);

}  // namespace sluice::tools
