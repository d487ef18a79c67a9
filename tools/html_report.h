#pragma once
// `sluice perf --report FILE.html`: one self-contained page (no scripts, no
// external resources) with the summary, throughput over time as an inline SVG
// polyline and the latency CDF as a second inline SVG.

#include <string>
#include <vector>

#include "tools/perf_stats.h"

namespace sluice::tools {

struct report_input {
  std::string title;    // "sluice perf produce"
  std::string command;  // the command line, shown verbatim (escaped)
  perf_summary summary;
  std::vector<perf_window> windows;
  latency_histogram latencies;
};

std::string render_html_report(const report_input& in);

// &, <, >, " and ' as entities.
std::string html_escape(const std::string& text);

}  // namespace sluice::tools
