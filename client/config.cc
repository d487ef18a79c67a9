#include "client/config.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <random>

namespace sluice::client {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

result<broker_address> parse_one(std::string_view entry) {
  auto bad = [&](std::string_view why) {
    return make_error(protocol::error_code::invalid_config,
                      "bootstrap server '" + std::string(entry) + "': " + std::string(why));
  };
  if (entry.empty()) return bad("empty entry");
  broker_address out;
  std::optional<std::string_view> port_text;
  if (entry.front() == '[') {  // [v6-address]:port
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    out.host = std::string(entry.substr(1, close - 1));
    auto rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("expected ':' after ']'");
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = entry.find(':');
    if (colon != entry.rfind(':')) return bad("IPv6 addresses go in brackets: [::1]:9092");
    out.host = std::string(entry.substr(0, colon));
    if (colon != std::string_view::npos) port_text = entry.substr(colon + 1);
  }
  if (out.host.empty()) return bad("empty host");
  out.port = 9092;
  if (port_text) {
    unsigned value = 0;
    auto [end, ec] =
        std::from_chars(port_text->data(), port_text->data() + port_text->size(), value);
    if (ec != std::errc{} || end != port_text->data() + port_text->size() || value == 0 ||
        value > 65535)
      return bad("port must be a number from 1 to 65535");
    out.port = static_cast<uint16_t>(value);
  }
  return out;
}

}  // namespace

result<std::vector<broker_address>> parse_bootstrap_servers(std::string_view servers) {
  std::vector<broker_address> out;
  if (trim(servers).empty())
    return make_error(protocol::error_code::invalid_config, "bootstrap servers: empty list");
  while (true) {
    const auto comma = servers.find(',');
    auto one = parse_one(trim(servers.substr(0, comma)));
    if (!one) return std::move(one).error();
    out.push_back(std::move(*one));
    if (comma == std::string_view::npos) break;
    servers.remove_prefix(comma + 1);
  }
  return out;
}

std::chrono::milliseconds retry_backoff_for(int attempt, std::chrono::milliseconds base,
                                            std::chrono::milliseconds max) {
  if (base.count() <= 0) return std::chrono::milliseconds(0);
  if (max < base) max = base;
  double pause = static_cast<double>(base.count());
  for (int i = 1; i < attempt && pause < static_cast<double>(max.count()); ++i) pause *= 2;
  pause = std::min(pause, static_cast<double>(max.count()));
  thread_local std::minstd_rand jitter{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<int64_t>(pause * factor(jitter)));
}

}  // namespace sluice::client
