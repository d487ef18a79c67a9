#include "protocol/messages/api_versions.h"

#include "protocol/message.h"

namespace sluice::protocol {
namespace {

// Smallest encodings, used to bound array counts (compact forms, no tags).
constexpr size_t min_api_version_bytes = 6;  // three int16
constexpr size_t min_feature_key_bytes = 5;  // name + two int16

}  // namespace

void api_versions_request::decode(reader& r, int16_t version) {
  if (version >= 3) {
    client_software_name = r.string();
    client_software_version = r.string();
  }
  r.skip_tagged_fields();
}

void api_versions_request::encode(writer& w, int16_t version) const {
  if (version >= 3) {
    w.string(client_software_name);
    w.string(client_software_version);
  }
  w.empty_tagged_fields();
}

void api_versions_response::decode(reader& r, int16_t version) {
  error_code = static_cast<protocol::error_code>(r.int16());
  r.array(api_keys, min_api_version_bytes, [&](api_version& a) {
    a.api_key = r.int16();
    a.min_version = r.int16();
    a.max_version = r.int16();
    r.skip_tagged_fields();
  });
  if (version >= 1) throttle_time_ms = r.int32();
  r.tagged_fields([&](uint32_t tag, reader& f) {
    if (version < 3) return false;
    switch (tag) {
      case 0:
        f.array(supported_features, min_feature_key_bytes, [&](supported_feature_key& k) {
          k.name = f.string();
          k.min_version = f.int16();
          k.max_version = f.int16();
          f.skip_tagged_fields();
        });
        return true;
      case 1:
        finalized_features_epoch = f.int64();
        return true;
      case 2:
        f.array(finalized_features, min_feature_key_bytes, [&](finalized_feature_key& k) {
          k.name = f.string();
          k.max_version_level = f.int16();
          k.min_version_level = f.int16();
          f.skip_tagged_fields();
        });
        return true;
      case 3:
        zk_migration_ready = f.boolean();
        return true;
      default:
        return false;
    }
  });
}

void api_versions_response::encode(writer& w, int16_t version) const {
  w.int16(to_int(error_code));
  w.array(api_keys, [&](const api_version& a) {
    w.int16(a.api_key);
    w.int16(a.min_version);
    w.int16(a.max_version);
    w.empty_tagged_fields();
  });
  if (version >= 1) w.int32(throttle_time_ms);

  // Tagged fields are written only when they differ from their defaults.
  const bool tags = version >= 3;
  const bool has_supported = tags && !supported_features.empty();
  const bool has_epoch = tags && finalized_features_epoch != -1;
  const bool has_finalized = tags && !finalized_features.empty();
  const bool has_zk = tags && zk_migration_ready;
  w.tagged_field_count(has_supported + has_epoch + has_finalized + has_zk);
  if (has_supported) {
    w.tagged_field(0, [&](writer& f) {
      f.array(supported_features, [&](const supported_feature_key& k) {
        f.string(k.name);
        f.int16(k.min_version);
        f.int16(k.max_version);
        f.empty_tagged_fields();
      });
    });
  }
  if (has_epoch) w.tagged_field(1, [&](writer& f) { f.int64(finalized_features_epoch); });
  if (has_finalized) {
    w.tagged_field(2, [&](writer& f) {
      f.array(finalized_features, [&](const finalized_feature_key& k) {
        f.string(k.name);
        f.int16(k.max_version_level);
        f.int16(k.min_version_level);
        f.empty_tagged_fields();
      });
    });
  }
  if (has_zk) w.tagged_field(3, [&](writer& f) { f.boolean(true); });
}

api_versions_response unsupported_version_response(int16_t min_version, int16_t max_version) {
  api_versions_response r;
  r.error_code = error_code::unsupported_version;
  r.api_keys.push_back({static_cast<int16_t>(api_key::api_versions), min_version, max_version});
  return r;
}

std::error_code decode_api_versions_response(std::span<const std::byte> body,
                                             int16_t requested_version,
                                             api_versions_response& out) {
  if (!decode_message(body, requested_version, out)) return {};
  return decode_message(body, int16_t{0}, out);
}

}  // namespace sluice::protocol
