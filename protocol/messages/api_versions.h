#pragma once
// ApiVersions (key 18), versions 0-4. v1 adds throttle_time_ms; v3 is the
// first flexible version: the request gains client_software_name/version and
// the response gains tagged fields 0-3 (supported features, finalized
// features and their epoch, zk_migration_ready). v4 is v3 on the wire (it
// only lets a supported feature's min_version be 0, KAFKA-17011).
//
// Quirks (docs/protocol.md, PROTOCOL.md G1):
// - The response header is v0 at every version (KIP-511), see api_keys.h.
// - A request whose version the broker does not implement is answered with a
//   v0-layout body carrying UNSUPPORTED_VERSION and ApiVersions' own range:
//   unsupported_version_response(). librdkafka retries with v0 when it cannot
//   read the error body as v3, so the layout must be v0, not the requested one.
// - A client reading the answer tries the version it asked for, then v0:
//   decode_api_versions_response().

#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct api_versions_request {
  static constexpr api_key api = api_key::api_versions;

  std::string client_software_name;     // v3+
  std::string client_software_version;  // v3+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const api_versions_request&, const api_versions_request&) = default;
};

struct api_versions_response {
  static constexpr api_key api = api_key::api_versions;

  struct api_version {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;
    friend bool operator==(const api_version&, const api_version&) = default;
  };
  struct supported_feature_key {
    std::string name;
    int16_t min_version = 0;
    int16_t max_version = 0;
    friend bool operator==(const supported_feature_key&, const supported_feature_key&) = default;
  };
  struct finalized_feature_key {
    std::string name;
    int16_t max_version_level = 0;
    int16_t min_version_level = 0;
    friend bool operator==(const finalized_feature_key&, const finalized_feature_key&) = default;
  };

  protocol::error_code error_code = protocol::error_code::none;
  std::vector<api_version> api_keys;
  int32_t throttle_time_ms = 0;                           // v1+
  std::vector<supported_feature_key> supported_features;  // v3+, tag 0
  int64_t finalized_features_epoch = -1;                  // v3+, tag 1
  std::vector<finalized_feature_key> finalized_features;  // v3+, tag 2
  bool zk_migration_ready = false;                        // v3+, tag 3

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const api_versions_response&, const api_versions_response&) = default;
};

// The version an unsupported_version_response() must be encoded at.
inline constexpr int16_t unsupported_version_response_version = 0;

// The broker's answer to an ApiVersions request of a version it does not
// implement: UNSUPPORTED_VERSION with ApiVersions' own [min, max].
api_versions_response unsupported_version_response(int16_t min_version, int16_t max_version);

// Client side: decodes at requested_version, and on failure again at v0,
// since a broker that did not know the version answered in v0 layout.
std::error_code decode_api_versions_response(std::span<const std::byte> body,
                                             int16_t requested_version, api_versions_response& out);

}  // namespace sluice::protocol
