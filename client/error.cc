#include "client/error.h"

namespace sluice::client {

client_error make_error(protocol::error_code code, std::string_view detail) {
  std::string message(protocol::error_name(code));
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return client_error{code, std::move(message)};
}

}  // namespace sluice::client
