#pragma once
// Request and response headers. Which header version a message uses comes
// from the api_keys table (request_header_version / response_header_version).
//
// Request header, all versions: api_key int16, api_version int16,
// correlation_id int32; v1+ adds client_id, a nullable string that keeps its
// int16 length even in v2 (old brokers must read it from any ApiVersions
// request); v2 adds a tagged-field section, whose fields are skipped.
// Response header: correlation_id int32; v1 adds a tagged-field section.

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/api_keys.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct request_header {
  api_key key = api_key::produce;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  // A view: into the frame when decoded, into the caller's string to encode.
  std::optional<std::string_view> client_id;
  friend bool operator==(const request_header&, const request_header&) = default;
};

struct response_header {
  int32_t correlation_id = 0;
  friend bool operator==(const response_header&, const response_header&) = default;
};

// Header version chosen from (key, api_version). The reader/writer mode is
// restored afterwards. Errors are left in the reader/writer.
void encode_request_header(writer& w, const request_header& h);
void decode_request_header(reader& r, request_header& out);
void encode_response_header(writer& w, api_key key, int16_t api_version, const response_header& h);
void decode_response_header(reader& r, api_key key, int16_t api_version, response_header& out);

}  // namespace sluice::protocol
