#include "tools/offset_spec.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace sluice::tools {
namespace {

// Parses all of `text` as a signed decimal integer.
std::optional<int64_t> whole_int(std::string_view text) {
  int64_t v = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[pos].
std::optional<int> digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// The length of the ISO-8601 time at the start of `text` (0: none), and its ms.
// YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+hh:mm|-hh:mm]; no zone means UTC.
size_t iso_prefix(std::string_view text, int64_t& ms) {
  auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  if (!y || !mo || !d || text[4] != '-' || text[7] != '-') return 0;
  int h = 0, mi = 0, s = 0, frac_ms = 0;
  size_t pos = 10;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    auto hh = digits(text, pos + 1, 2), mm = digits(text, pos + 4, 2);
    if (!hh || !mm || text[pos + 3] != ':') return 0;
    h = *hh, mi = *mm, pos += 6;
    if (pos < text.size() && text[pos] == ':' && digits(text, pos + 1, 2)) {
      s = *digits(text, pos + 1, 2), pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        size_t n = 0;
        int scale = 100;
        for (++pos; pos < text.size() && is_digit(text[pos]); ++pos, ++n, scale /= 10)
          frac_ms += (text[pos] - '0') * scale;
        if (n == 0) return 0;
      }
    }
  }
  int64_t zone_min = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-') && pos > 10) {
    auto zh = digits(text, pos + 1, 2), zm = digits(text, pos + 4, 2);
    if (zh && zm && text[pos + 3] == ':') {
      zone_min = (*zh * 60 + *zm) * (text[pos] == '-' ? -1 : 1);
      pos += 6;
    }
  }
  using namespace std::chrono;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return 0;
  ms = duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch()).count() +
       ((h * 60 + mi - zone_min) * 60 + s) * 1000LL + frac_ms;
  return pos;
}

// The length of the time at the start of `text` (0: none): ISO, -duration or ms.
size_t time_prefix(std::string_view text, int64_t now_ms, int64_t& ms) {
  if (size_t n = iso_prefix(text, ms)) return n;
  if (!text.empty() && text[0] == '-') {
    size_t end = text.find(':');
    if (end == std::string_view::npos) end = text.size();
    auto d = parse_duration_ms(text.substr(1, end - 1));
    if (!d) return 0;
    ms = now_ms - *d;
    return end;
  }
  size_t end = 0;
  while (end < text.size() && is_digit(text[end])) ++end;
  auto v = whole_int(text.substr(0, end));
  if (!v) return 0;
  ms = *v;
  return end;
}

result<offset_position> parse_position(std::string_view text) {
  using k = offset_position::kind;
  if (text == "beginning" || text == "earliest" || text == "first")
    return offset_position{k::beginning, 0};
  if (text == "end" || text == "latest" || text == "last") return offset_position{k::end, 0};
  if (auto v = whole_int(text)) {
    if (*v < 0) return offset_position{k::from_end, -*v};
    return offset_position{k::absolute, *v};
  }
  return usage("bad offset '" + std::string(text) + "': expected beginning, end, N, -N or @time");
}

}  // namespace

result<int64_t> parse_duration_ms(std::string_view text) {
  if (!text.empty() && (text[0] == 'P' || text[0] == 'p')) {
    // ISO-8601 duration as kafka-consumer-groups --by-duration takes it.
    int64_t total = 0;
    bool in_time = false, any = false;
    int64_t n = -1;
    for (size_t i = 1; i < text.size(); ++i) {
      char c = text[i];
      if (c == 'T' || c == 't') {
        in_time = true;
        continue;
      }
      if (is_digit(c)) {
        n = (n < 0 ? 0 : n) * 10 + (c - '0');
        continue;
      }
      if (n < 0) return usage("bad duration '" + std::string(text) + "'");
      int64_t unit = 0;
      switch (c) {
        case 'D':
        case 'd':
          unit = in_time ? 0 : 86400000;
          break;
        case 'H':
        case 'h':
          unit = in_time ? 3600000 : 0;
          break;
        case 'M':
        case 'm':
          unit = in_time ? 60000 : 0;
          break;
        case 'S':
        case 's':
          unit = in_time ? 1000 : 0;
          break;
      }
      if (unit == 0) return usage("bad duration '" + std::string(text) + "'");
      total += n * unit, n = -1, any = true;
    }
    if (!any || n >= 0) return usage("bad duration '" + std::string(text) + "'");
    return total;
  }
  size_t end = 0;
  while (end < text.size() && is_digit(text[end])) ++end;
  auto n = whole_int(text.substr(0, end));
  std::string_view unit = text.substr(end);
  int64_t scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m" || unit == "min")
    scale = 60000;
  else if (unit == "h")
    scale = 3600000;
  else if (unit == "d")
    scale = 86400000;
  if (!n || scale == 0)
    return usage("bad duration '" + std::string(text) +
                 "': expected e.g. 30s, 15m, 1h, 2d or PT1H");
  return *n * scale;
}

result<int64_t> parse_time(std::string_view text, int64_t now_ms) {
  int64_t ms = 0;
  size_t n = time_prefix(text, now_ms, ms);
  if (n == 0 || n != text.size())
    return usage("bad time '" + std::string(text) +
                 "': expected ms since the epoch, -1h style, or 2026-11-21T10:00:00Z");
  return ms;
}

result<offset_spec> parse_offset_spec(std::string_view text, int64_t now_ms) {
  using k = offset_position::kind;
  if (text.empty()) return usage("empty offset");
  // kcat's s@T (start at time T) and e@T (stop at time T), alone or both
  // (two -o options are joined with ':', in either order).
  if (text.starts_with("e@")) {
    std::string_view rest = text.substr(2);
    if (size_t s_at = rest.find(":s@"); s_at != std::string_view::npos) {
      std::string swapped =
          std::string(rest.substr(s_at + 1)) + ":e@" + std::string(rest.substr(0, s_at));
      return parse_offset_spec(swapped, now_ms);
    }
    auto t2 = parse_time(rest, now_ms);
    if (!t2) return t2.error();
    return offset_spec{{k::beginning, 0}, offset_position{k::timestamp, *t2}};
  }
  if (text.starts_with("s@")) text.remove_prefix(1);
  if (text[0] == '@') {
    std::string_view rest = text.substr(1);
    int64_t t1 = 0;
    size_t n = time_prefix(rest, now_ms, t1);
    if (n == 0) return usage("bad time in offset '" + std::string(text) + "'");
    offset_spec spec{{k::timestamp, t1}, std::nullopt};
    if (n == rest.size()) return spec;
    if (rest[n] != ':') return usage("bad time in offset '" + std::string(text) + "'");
    std::string_view second = rest.substr(n + 1);
    if (second.starts_with("e@")) second.remove_prefix(1);
    if (!second.empty() && second[0] == '@') second.remove_prefix(1);
    auto t2 = parse_time(second, now_ms);
    if (!t2) return t2.error();
    if (*t2 < t1) return usage("time range '" + std::string(text) + "' ends before it starts");
    spec.stop = offset_position{k::timestamp, *t2};
    return spec;
  }
  // "-N" has no ':'; "start:end" splits on the one ':' (offsets hold none).
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    auto p = parse_position(text);
    if (!p) return p.error();
    return offset_spec{*p, std::nullopt};
  }
  auto a = parse_position(text.substr(0, colon));
  if (!a) return a.error();
  std::string_view second = text.substr(colon + 1);
  if (second.starts_with("e@")) second.remove_prefix(1);
  offset_spec spec{*a, std::nullopt};
  if (!second.empty() && second[0] == '@') {
    auto t = parse_time(second.substr(1), now_ms);
    if (!t) return t.error();
    spec.stop = offset_position{k::timestamp, *t};
  } else {
    auto b = parse_position(second);
    if (!b) return b.error();
    if (a->what == k::absolute && b->what == k::absolute && b->value < a->value)
      return usage("offset range '" + std::string(text) + "' ends before it starts");
    spec.stop = *b;
  }
  return spec;
}

int64_t resolve(const offset_position& p, const partition_bounds& b,
                std::optional<int64_t> offset_for_time) {
  using k = offset_position::kind;
  switch (p.what) {
    case k::beginning:
      return b.log_start_offset;
    case k::end:
      return b.log_end_offset;
    case k::absolute:
      return std::clamp(p.value, b.log_start_offset, b.log_end_offset);
    case k::from_end:
      return std::max(b.log_start_offset, b.log_end_offset - p.value);
    case k::timestamp:
      if (!offset_for_time || *offset_for_time < 0) return b.log_end_offset;
      return std::clamp(*offset_for_time, b.log_start_offset, b.log_end_offset);
  }
  return b.log_end_offset;
}

std::string format_time_utc(int64_t ms) {
  using namespace std::chrono;
  sys_time<milliseconds> tp{milliseconds{ms}};
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  std::string out = buf;
  if (auto sub = hms.subseconds().count(); sub != 0) {
    std::snprintf(buf, sizeof buf, ".%03ld", static_cast<long>(sub));
    out.insert(out.size() - 1, buf);
  }
  return out;
}

}  // namespace sluice::tools
