#pragma once
// One value-or-error type for the whole tree: each layer names its error type
// once (log: std::error_code, client: client_error, tools: a sentence) and
// aliases basic_result<T, E> as its own result<T>. Like C++23's std::expected,
// reduced to what Sluice uses; GCC 12's libstdc++ has no <expected> in C++20.
//
// Access is checked in every build type: value() on an error, or error() on a
// value, is a programmer error and aborts with a message naming the error,
// rather than an assert that Release compiles away. Values only; any thread.

#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace sluice::base {

namespace detail {

// The error's text for the abort message, whichever way E spells it.
template <class E>
std::string describe(const E& e) {
  if constexpr (requires { std::string(e.message()); }) {
    return std::string(e.message());  // std::error_code
  } else if constexpr (requires { std::string(e.message); }) {
    return std::string(e.message);  // client_error, tools::error
  } else {
    return "(no message)";
  }
}

[[noreturn]] inline void bad_access(const char* what, const std::string& detail) {
  std::fprintf(stderr, "sluice: %s: %s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail

template <class T, class E>
class [[nodiscard]] basic_result {
 public:
  using value_type = T;
  using error_type = E;

  basic_result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  basic_result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  // Anything that converts to E but not to T is an error (the log returns an
  // errc where a std::error_code is stored).
  template <class G>
  requires(!std::same_as<std::remove_cvref_t<G>, E> &&
           !std::same_as<std::remove_cvref_t<G>, basic_result> && std::convertible_to<G, E> &&
           !std::convertible_to<G, T>) basic_result(G&& error)  // NOLINT
      : v_(std::in_place_index<1>, E(std::forward<G>(error))) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    check_value();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check_value();
    return std::get<0>(v_);
  }
  T&& value() && {
    check_value();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& {
    check_error();
    return std::get<1>(v_);
  }
  E&& error() && {
    check_error();
    return std::get<1>(std::move(v_));
  }

 private:
  void check_value() const {
    if (!has_value())
      detail::bad_access("result::value() called on an error", detail::describe(std::get<1>(v_)));
  }
  void check_error() const {
    if (has_value()) detail::bad_access("result::error() called on a value", "no error");
  }

  std::variant<T, E> v_;
};

// Success without a value, or an error. Default-constructed is success.
template <class E>
class [[nodiscard]] basic_result<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  basic_result() = default;
  basic_result(E error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  template <class G>
  requires(!std::same_as<std::remove_cvref_t<G>, E> &&
           !std::same_as<std::remove_cvref_t<G>, basic_result> && std::convertible_to<G, E>)
      basic_result(G&& error)  // NOLINT
      : error_(std::forward<G>(error)), failed_(true) {}

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return has_value(); }
  // Checked like basic_result<T, E>::value(): aborts on an error.
  void value() const {
    if (failed_) detail::bad_access("result::value() called on an error", detail::describe(error_));
  }

  const E& error() const& {
    check_error();
    return error_;
  }
  E&& error() && {
    check_error();
    return std::move(error_);
  }

 private:
  void check_error() const {
    if (!failed_) detail::bad_access("result::error() called on a value", "no error");
  }

  E error_{};
  bool failed_ = false;
};

}  // namespace sluice::base
