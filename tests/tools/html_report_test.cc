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

TEST(html_report, an_empty_run_still_renders) {
  report_input in{"t", "c", {}, {}, {}};
  auto html = render_html_report(in);
  EXPECT_EQ(count(html, "<svg "), 2u);
}

}  // namespace
}  // namespace sluice::tools
