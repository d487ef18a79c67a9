#pragma once
// Building and comparing byte strings in tests.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace sluice::protocol::testing {

// A byte string written as a mix of byte values and text:
//   bytes_builder().u8s({0x00, 0x07}).text("rdkafka").take()
class bytes_builder {
 public:
  bytes_builder& u8s(std::initializer_list<int> values) {
    for (int v : values) out_.push_back(static_cast<std::byte>(v));
    return *this;
  }
  bytes_builder& text(std::string_view s) {
    for (char c : s) out_.push_back(static_cast<std::byte>(c));
    return *this;
  }
  bytes_builder& be16(int16_t v) { return be(static_cast<uint16_t>(v), 2); }
  bytes_builder& be32(int32_t v) { return be(static_cast<uint32_t>(v), 4); }
  bytes_builder& be64(int64_t v) { return be(static_cast<uint64_t>(v), 8); }
  bytes_builder& fill(size_t n, int value) {
    out_.insert(out_.end(), n, static_cast<std::byte>(value));
    return *this;
  }
  std::vector<std::byte> take() { return std::move(out_); }

 private:
  bytes_builder& be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
    return *this;
  }
  std::vector<std::byte> out_;
};

}  // namespace sluice::protocol::testing
