#include "tools/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace sluice::tools {
namespace {

// Plot area inside each SVG; margins leave room for the axis labels.
constexpr double width = 720, height = 360, left = 80, right = 20, top = 20, bottom = 50;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tick_label(double v) {
  char buf[32];
  if (v == std::round(v) || std::fabs(v) >= 100)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);  // 0.5, 2.5, 12.5, 0.631
  return buf;
}

// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten.
double nice_max(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

// An axis end that fits `v` closely: five ticks of a round step (1, 1.2,
// 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten), so the run fills at
// least ~80% of the axis (nice_max alone could double it).
double fitted_max(double v) {
  if (v <= 0) return 1;
  const double step = v / 5;
  double p = std::pow(10, std::floor(std::log10(step)));
  for (double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (m * p >= step * (1 - 1e-9)) return 5 * m * p;
  return 50 * p;
}

struct axis_labels {
  std::string title, x, y;
  std::vector<std::string> x_ticks = {};  // six labels (log axes); empty: x_max * i / 5
};

// Frame, five ticks per axis, and the labels; points are already in [0,1]^2.
std::string svg_chart(const std::string& id, const axis_labels& labels, double x_max, double y_max,
                      const std::vector<std::pair<double, double>>& points, bool steps) {
  const double pw = width - left - right, ph = height - top - bottom;
  std::string s = "<svg id=\"" + id + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                  num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) +
                  " " + num(height) + "\" role=\"img\"><title>" + html_escape(labels.title) +
                  "</title>\n";
  s += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(pw) + "\" height=\"" +
       num(ph) + "\" fill=\"#fafafa\" stroke=\"#444\"/>\n";
  for (int i = 0; i <= 5; ++i) {
    double x = left + pw * i / 5, y = top + ph - ph * i / 5;
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(top + ph) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(top + ph + 5) + "\" stroke=\"#444\"/>";
    s += "<text x=\"" + num(x) + "\" y=\"" + num(top + ph + 18) +
         "\" font-size=\"11\" text-anchor=\"middle\">" +
         (labels.x_ticks.size() == 6 ? html_escape(labels.x_ticks[static_cast<size_t>(i)])
                                     : tick_label(x_max * i / 5)) +
         "</text>\n";
    s += "<line x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(left + pw) +
         "\" y2=\"" + num(y) + "\" stroke=\"#ddd\"/>";
    s += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y + 4) +
         "\" font-size=\"11\" text-anchor=\"end\">" + tick_label(y_max * i / 5) + "</text>\n";
  }
  s += "<text class=\"x-label\" x=\"" + num(left + pw / 2) + "\" y=\"" + num(height - 8) +
       "\" font-size=\"13\" text-anchor=\"middle\">" + html_escape(labels.x) + "</text>\n";
  s += "<text class=\"y-label\" x=\"16\" y=\"" + num(top + ph / 2) +
       "\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + num(top + ph / 2) +
       ")\">" + html_escape(labels.y) + "</text>\n";
  s += "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"";
  double prev_y = top + ph;
  for (const auto& [fx, fy] : points) {
    double x = left + pw * std::clamp(fx, 0.0, 1.0), y = top + ph - ph * std::clamp(fy, 0.0, 1.0);
    if (steps) s += num(x) + "," + num(prev_y) + " ";
    s += num(x) + "," + num(y) + " ";
    prev_y = y;
  }
  s += "\"/>\n</svg>\n";
  return s;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_html_report(const report_input& in) {
  const auto& s = in.summary;
  // Throughput: one point per window, at its end.
  double t_max = 0, r_max = 0;
  for (const auto& w : in.windows)
    t_max = std::max(t_max, w.end_s), r_max = std::max(r_max, w.records_per_s());
  t_max = fitted_max(t_max), r_max = nice_max(r_max);
  std::vector<std::pair<double, double>> tp;
  if (!in.windows.empty())
    tp.emplace_back(in.windows.front().start_s / t_max, in.windows.front().records_per_s() / r_max);
  for (const auto& w : in.windows) tp.emplace_back(w.end_s / t_max, w.records_per_s() / r_max);

  // CDF: latency (ms, log scale so the tail is not squashed against the
  // right edge) against the fraction of records at or below it.
  auto cdf = in.latencies.cdf();
  const double lowest_ms = std::max(0.001, cdf.empty() ? 0.1 : cdf.front().first / 1000.0);
  const double highest_ms = std::max(lowest_ms, cdf.empty() ? 1 : cdf.back().first / 1000.0);
  const double lo = std::floor(std::log10(lowest_ms));
  double hi = std::ceil(std::log10(highest_ms));
  if (hi <= lo) hi = lo + 1;
  std::vector<std::pair<double, double>> lc;
  for (const auto& [us, f] : cdf)
    lc.emplace_back((std::log10(std::max(0.001, us / 1000.0)) - lo) / (hi - lo), f);
  axis_labels latency_axes{"Latency CDF (log scale)", "latency (ms)", "fraction of records"};
  for (int i = 0; i <= 5; ++i)
    latency_axes.x_ticks.push_back(tick_label(std::pow(10, lo + (hi - lo) * i / 5)));
  const double l_max = std::pow(10, hi);

  char row[1024];
  std::snprintf(row, sizeof row,
                "<tr><td>%llu</td><td>%.1f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
                "<td>%.2f</td><td>%.2f</td><td>%.2f</td></tr>",
                static_cast<unsigned long long>(s.records), s.records_per_s(), s.mb_per_s(),
                s.avg_latency_ms, s.p50_ms, s.p95_ms, s.p99_ms, s.p999_ms, s.max_latency_ms);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
      html_escape(in.title) +
      "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{border:1px solid #999;padding:4px 8px;text-align:right}code{background:#eee}</style>"
      "</head>\n<body>\n<h1>" +
      html_escape(in.title) + "</h1>\n<p><code>" + html_escape(in.command) +
      "</code></p>\n<table><tr><th>records</th><th>records/sec</th><th>MB/sec</th><th>avg ms</th>"
      "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>" +
      row + "</table>\n<h2>Throughput over time</h2>\n" +
      svg_chart("throughput", {"Throughput over time", "time (s)", "records/sec"}, t_max, r_max, tp,
                false) +
      "<h2>Latency CDF</h2>\n" + svg_chart("latency-cdf", latency_axes, l_max, 1.0, lc, true) +
      "</body></html>\n";
  return html;
}

}  // namespace sluice::tools
