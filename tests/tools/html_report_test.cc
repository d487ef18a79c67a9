#include "tools/html_report.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(html_report, two_inline_svgs_with_axes_and_nothing_external) {
  perf_stats st(0, 1'000'000'000);
  for (int sec = 1; sec <= 3; ++sec) {
    for (int i = 0; i < 100 * sec; ++i) st.record(500 + i, 100);
    st.roll_window(int64_t{sec} * 1'000'000'000);
  }
  report_input in{"sluice perf produce", "sluice perf produce --topic <t>",
                  st.summary(3'000'000'000), st.windows(), st.histogram()};
  auto html = render_html_report(in);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<svg "), 2u);
  EXPECT_EQ(count(html, "<polyline"), 2u);
  EXPECT_NE(html.find("id=\"throughput\""), std::string::npos);
  EXPECT_NE(html.find("id=\"latency-cdf\""), std::string::npos);
  EXPECT_NE(html.find(">time (s)<"), std::string::npos);
  EXPECT_NE(html.find(">records/sec<"), std::string::npos);
  EXPECT_NE(html.find(">latency (ms)<"), std::string::npos);
  EXPECT_NE(html.find("--topic &lt;t&gt;"), std::string::npos);  // escaped
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("href"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
}

TEST(html_report, the_time_axis_fits_the_run_and_latency_is_log_scale) {
  perf_stats st(0, 1'000'000'000);
  // 10.5 s of windows; latencies from 0.2 ms to a 900 ms tail.
  for (int sec = 1; sec <= 10; ++sec) {
    for (int i = 0; i < 1000; ++i) st.record(200 + i, 100);
    st.roll_window(int64_t{sec} * 1'000'000'000);
  }
  st.record(900'000, 100);
  st.close(10'500'000'000);
  report_input in{"sluice perf produce", "c", st.summary(10'500'000'000), st.windows(),
                  st.histogram()};
  auto html = render_html_report(in);
  auto throughput = html.substr(0, html.find("id=\"latency-cdf\""));
  EXPECT_NE(throughput.find(">12.5<"), std::string::npos) << "a 10.5 s run on a 12.5 s axis";
  EXPECT_EQ(throughput.find(">20<"), std::string::npos) << "not twice the run";
  auto latency = html.substr(html.find("id=\"latency-cdf\""));
  EXPECT_NE(latency.find("(log scale)"), std::string::npos);
  // From 0.1 ms to 1000 ms: four decades, the tail visible beside the bulk.
  EXPECT_NE(latency.find(">0.1<"), std::string::npos) << latency;
  EXPECT_NE(latency.find(">1000<"), std::string::npos) << latency;
}

TEST(html_report, an_empty_run_still_renders) {
  report_input in{"t", "c", {}, {}, {}};
  auto html = render_html_report(in);
  EXPECT_EQ(count(html, "<svg "), 2u);
}

}  // namespace
}  // namespace sluice::tools
