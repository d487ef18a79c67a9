#pragma once
// tools/ reports every failure to a person, so its error is a sentence, not a
// code: commands return result<T>; main() prints "sluice: error: <message>" and
// exits non-zero. Exceptions are left to CLI11's parse errors and to bugs.

#include <string>
#include <utility>

#include "base/result.h"

namespace sluice::tools {

struct error {
  std::string message;
  // A usage error (a bad flag value, flags that do not go together): exit 2,
  // as for CLI11's own parse errors and getopt tools; anything else exits 1.
  bool usage = false;
};

// The message is r.error().message.
template <class T>
using result = base::basic_result<T, error>;

// For functions whose success carries nothing.
struct ok_t {};
inline constexpr ok_t ok{};
using status = result<ok_t>;

inline error fail(std::string message) { return error{std::move(message)}; }
inline error usage(std::string message) { return error{std::move(message), true}; }

}  // namespace sluice::tools
