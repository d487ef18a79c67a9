#pragma once
// tools/ reports every failure to a person, so its error is a sentence, not a
// code: commands return result<T>; main() prints "sluice: error: <message>" and
// exits non-zero. Exceptions are left to CLI11's parse errors and to bugs.

#include <string>
#include <utility>
#include <variant>

namespace sluice::tools {

struct error {
  std::string message;
  // A usage error (a bad flag value, flags that do not go together): exit 2,
  // as for CLI11's own parse errors and getopt tools; anything else exits 1.
  bool usage = false;
};

template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  result(error e) : v_(std::move(e)) {}      // NOLINT(google-explicit-constructor)

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& message() const { return std::get<1>(v_).message; }
  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

// For functions whose success carries nothing.
struct ok_t {};
inline constexpr ok_t ok{};
using status = result<ok_t>;

inline error fail(std::string message) { return error{std::move(message)}; }
inline error usage(std::string message) { return error{std::move(message), true}; }

}  // namespace sluice::tools
