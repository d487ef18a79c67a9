#include "log/errors.h"

namespace sluice::log {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sluice.log"; }
  std::string message(int v) const override {
    switch (static_cast<errc>(v)) {
      case errc::ok:
        return "ok";
      case errc::corrupt_batch:
        return "corrupt record batch";
      case errc::batch_too_large:
        return "record batch larger than max.message.bytes";
      case errc::invalid_timestamp:
        return "record timestamp out of range";
      case errc::offset_out_of_range:
        return "offset out of range";
      case errc::storage_offline:
        return "log directory is offline after an I/O error";
      case errc::io_error:
        return "I/O error";
      case errc::no_space:
        return "no space left on device";
      case errc::corrupt_file:
        return "corrupt file";
      case errc::not_found:
        return "not found";
      case errc::already_exists:
        return "already exists";
      case errc::invalid_argument:
        return "invalid argument";
      case errc::out_of_order_sequence:
        return "out of order sequence number";
      case errc::invalid_producer_epoch:
        return "producer epoch older than the current one";
      case errc::invalid_txn_state:
        return "non-transactional write inside an ongoing transaction";
      case errc::coordinator_fenced:
        return "transaction marker from an older coordinator epoch";
    }
    return "unknown storage error";
  }
};

}  // namespace

const std::error_category& log_category() noexcept {
  static const category c;
  return c;
}

}  // namespace sluice::log
