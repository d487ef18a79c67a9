#include "client/record.h"

#include <cstring>

namespace sluice::client {

bytes to_bytes(std::string_view text) {
  bytes out(text.size());
  if (!text.empty()) std::memcpy(out.data(), text.data(), text.size());
  return out;
}

std::string_view as_text(const bytes& b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace sluice::client
