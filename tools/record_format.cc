#include "tools/record_format.h"

#include <charconv>

namespace sluice::tools {
namespace {

void append_int(int64_t v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// "k=v,k2=v2"; a null header value prints as the bare key.
void append_headers(const std::vector<record_header>& headers, std::string& out) {
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i) out += ',';
    out += headers[i].key;
    if (headers[i].value) out += '=', out += *headers[i].value;
  }
}

// "name":"text" or "name_base64":"..." or "name":null.
void append_bytes_field(std::string_view name, std::optional<std::string_view> bytes,
                        std::string& out) {
  out += '"';
  out += name;
  if (!bytes) {
    out += "\":null";
  } else if (is_valid_utf8(*bytes)) {
    out += "\":\"";
    append_json_escaped(*bytes, out);
    out += '"';
  } else {
    out += "_base64\":\"";
    out += base64(*bytes);
    out += '"';
  }
}

}  // namespace

result<record_format> compile_format(std::string_view text) {
  using f = record_format::field;
  record_format fmt;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) fmt.parts_.emplace_back(f::literal, std::move(literal));
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '%' || c == '\\') && i + 1 == text.size())
      return fail(std::string("format string ends in a lone '") + c + "'");
    if (c == '\\') {
      switch (text[++i]) {
        case 'n':
          literal += '\n';
          break;
        case 't':
          literal += '\t';
          break;
        case 'r':
          literal += '\r';
          break;
        case '0':
          literal += '\0';
          break;
        case '\\':
          literal += '\\';
          break;
        default:
          return fail(std::string("unknown escape '\\") + text[i] + "' in format string");
      }
      continue;
    }
    if (c != '%') {
      literal += c;
      continue;
    }
    f what;
    switch (text[++i]) {
      case '%':
        literal += '%';
        continue;
      case 't':
        what = f::topic;
        break;
      case 'p':
        what = f::partition;
        break;
      case 'o':
        what = f::offset;
        break;
      case 'k':
        what = f::key;
        break;
      case 's':
        what = f::value;
        break;
      case 'T':
        what = f::timestamp;
        break;
      case 'h':
        what = f::headers;
        break;
      case 'K':
        what = f::key_length;
        break;
      case 'S':
        what = f::value_length;
        break;
      default:
        return fail(std::string("unknown field '%") + text[i] +
                    "' in format string (known: %t %p %o %k %s %T %h %K %S %%)");
    }
    flush();
    fmt.parts_.emplace_back(what, std::string());
  }
  flush();
  return fmt;
}

void record_format::render(const printable_record& r, std::string& out) const {
  for (const auto& [what, text] : parts_) {
    switch (what) {
      case field::literal:
        out += text;
        break;
      case field::topic:
        out += r.topic;
        break;
      case field::partition:
        append_int(r.partition, out);
        break;
      case field::offset:
        append_int(r.offset, out);
        break;
      case field::key:
        if (r.key) out += *r.key;
        break;
      case field::value:
        if (r.value) out += *r.value;
        break;
      case field::timestamp:
        append_int(r.timestamp, out);
        break;
      case field::headers:
        append_headers(r.headers, out);
        break;
      case field::key_length:
        append_int(r.key ? static_cast<int64_t>(r.key->size()) : -1, out);
        break;
      case field::value_length:
        append_int(r.value ? static_cast<int64_t>(r.value->size()) : -1, out);
        break;
    }
  }
}

void render_json(const printable_record& r, std::string& out) {
  out += "{\"topic\":\"";
  append_json_escaped(is_valid_utf8(r.topic) ? r.topic : std::string_view("?"), out);
  out += "\",\"partition\":";
  append_int(r.partition, out);
  out += ",\"offset\":";
  append_int(r.offset, out);
  out += ",\"timestamp\":";
  append_int(r.timestamp, out);
  out += ",\"headers\":[";
  for (size_t i = 0; i < r.headers.size(); ++i) {
    if (i) out += ',';
    out += '{';
    append_bytes_field("key", r.headers[i].key, out);
    out += ',';
    std::optional<std::string_view> v;
    if (r.headers[i].value) v = *r.headers[i].value;
    append_bytes_field("value", v, out);
    out += '}';
  }
  out += "],";
  append_bytes_field("key", r.key, out);
  out += ',';
  append_bytes_field("value", r.value, out);
  out += "}\n";
}

void append_json_escaped(std::string_view text, std::string& out) {
  static const char hex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

bool is_valid_utf8(std::string_view bytes) {
  size_t i = 0, n = bytes.size();
  auto cont = [&](size_t j) {
    return j < n && (static_cast<unsigned char>(bytes[j]) & 0xC0) == 0x80;
  };
  while (i < n) {
    unsigned char c = bytes[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07;
    else
      return false;
    for (size_t j = 1; j < len; ++j) {
      if (!cont(i + j)) return false;
      cp = (cp << 6) | (static_cast<unsigned char>(bytes[i + j]) & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += len;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t j) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[j])); };
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = b(i) << 16 | b(i + 1) << 8 | b(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += table[(v >> s) & 63];
  }
  if (size_t rest = bytes.size() - i) {
    uint32_t v = b(i) << 16 | (rest == 2 ? b(i + 1) << 8 : 0);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += rest == 2 ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace sluice::tools
