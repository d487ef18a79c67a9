#pragma once
// How `sluice consume` prints a record: a kcat-style format string (-f) or one
// JSON object per line (--json). Both are binary safe: -f writes key and value
// bytes as they are; JSON writes UTF-8 text as a string and any other bytes as
// base64 under "<field>_base64", so every line is valid JSON.
//
//   %t topic  %p partition  %o offset  %k key  %s value  %T timestamp (ms)
//   %h headers (k=v,k=v)  %K key length  %S value length (-1 when null)  %% a '%'
//   \n \t \r \\ \0 escapes
//
// A format is compiled once (compile_format) and rendered per record.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/result.h"

namespace sluice::tools {

struct record_header {
  std::string key;
  std::optional<std::string> value;
};

// A record as the consumer hands it to a printer; views into its fetch buffer.
struct printable_record {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = -1;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<record_header> headers;
};

class record_format {
 public:
  enum class field {
    literal,
    topic,
    partition,
    offset,
    key,
    value,
    timestamp,
    headers,
    key_length,
    value_length
  };

  void render(const printable_record& r, std::string& out) const;

 private:
  friend result<record_format> compile_format(std::string_view);
  std::vector<std::pair<field, std::string>> parts_;  // literal text in .second
};

result<record_format> compile_format(std::string_view text);

// One JSON object and a '\n'.
void render_json(const printable_record& r, std::string& out);

// JSON string body escaping (no quotes); `text` must be valid UTF-8.
void append_json_escaped(std::string_view text, std::string& out);
bool is_valid_utf8(std::string_view bytes);
std::string base64(std::string_view bytes);

}  // namespace sluice::tools
