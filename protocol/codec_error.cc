#include "protocol/codec_error.h"

#include <string>

namespace sluice::protocol {
namespace {

class codec_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sluice.protocol"; }
  std::string message(int ev) const override {
    switch (static_cast<codec_errc>(ev)) {
      case codec_errc::ok:
        return "ok";
      case codec_errc::truncated:
        return "length or count exceeds the remaining bytes";
      case codec_errc::negative_length:
        return "negative length or count";
      case codec_errc::unexpected_null:
        return "null value for a non-nullable field";
      case codec_errc::varint_too_long:
        return "varint too long or out of range";
      case codec_errc::string_too_long:
        return "string longer than 32767 bytes";
      case codec_errc::bad_tagged_fields:
        return "duplicate or descending tagged fields";
      case codec_errc::unsupported_version:
        return "unsupported api version";
      case codec_errc::frame_too_small:
        return "frame smaller than a request header";
      case codec_errc::frame_too_large:
        return "frame larger than the maximum request size";
      case codec_errc::value_too_large:
        return "value does not fit its wire type";
      case codec_errc::external_not_flattenable:
        return "buffer holds external slices";
    }
    return "unknown codec error";
  }
};

}  // namespace

const std::error_category& codec_category() noexcept {
  static const codec_category_impl category;
  return category;
}

error_code to_kafka_error(std::error_code ec) noexcept {
  if (!ec) return error_code::none;
  if (ec == codec_errc::unsupported_version) return error_code::unsupported_version;
  return error_code::invalid_request;
}

}  // namespace sluice::protocol
