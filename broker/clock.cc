#include "broker/clock.h"

namespace sluice::broker {
namespace {

class chrono_clock final : public clock_source {
 public:
  int64_t wall_clock_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

const clock_source& real_clock() {
  static const chrono_clock clock;
  return clock;
}

}  // namespace sluice::broker
