#include "client/compression.h"

namespace sluice::client {
namespace {

using protocol::error_code;

error_code code_of(compression::failure::kind k) {
  switch (k) {
    case compression::failure::kind::corrupt:
      return error_code::corrupt_message;
    case compression::failure::kind::unknown_codec:
      return error_code::unsupported_compression_type;
    case compression::failure::kind::compress_failed:
      return error_code::unknown_server_error;
  }
  return error_code::unknown_server_error;
}

result<std::vector<std::byte>> to_result(compression::output out) {
  if (out.error) return make_error(code_of(out.error->what), out.error->detail);
  return std::move(out.bytes);
}

}  // namespace

result<std::vector<std::byte>> compress(compression_type c, std::span<const std::byte> input) {
  return to_result(compression::encode(c, input));
}

result<std::vector<std::byte>> decompress(compression_type c, std::span<const std::byte> input,
                                          size_t max_output) {
  return to_result(compression::decode(c, input, max_output));
}

}  // namespace sluice::client
