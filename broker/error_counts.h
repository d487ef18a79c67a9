#pragma once
// The error codes a response body carries, counted for the per-API error
// counters (sluice_request_errors_total, docs/metrics.md). Kafka's broker
// does the same with each response's errorCounts(); here one generic walk
// replaces a method per message: Boost.PFR visits the fields of the
// (aggregate) message structs, descending into vectors and optionals, and
// every field of type protocol::error_code other than NONE counts once.
// So a Produce answering UNKNOWN_TOPIC_OR_PARTITION for three partitions
// counts three. Called once per answer by make_response (request.h), on the
// decoded struct about to be encoded: no extra parsing of the wire bytes.

#include <boost/pfr/core.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/error_code.h"

namespace sluice::protocol {
struct alter_configs_response;
struct incremental_alter_configs_response;
}  // namespace sluice::protocol

namespace sluice::broker {

// A handful of distinct codes per answer at most: a flat vector.
struct error_tally {
  std::vector<std::pair<protocol::error_code, uint32_t>> counts;
  void add(protocol::error_code e) {
    for (auto& [code, n] : counts) {
      if (code == e) {
        ++n;
        return;
      }
    }
    counts.emplace_back(e, 1);
  }
};

namespace detail {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// PFR does not walk inherited structs: a message that only extends
// another (same fields) is walked as its base.
template <class T>
struct walk_as {
  using type = T;
};
template <>
struct walk_as<protocol::incremental_alter_configs_response> {
  using type = protocol::alter_configs_response;
};

// Only plain structs are walked: strings, spans, record sets and other
// classes with constructors are not aggregates and hold no error code.
template <class T>
constexpr bool walkable_v = std::is_class_v<T>&& std::is_aggregate_v<T> && !is_vector<T>::value;

template <class T>
void tally_errors(const T& v, error_tally& out) {
  if constexpr (std::is_same_v<T, protocol::error_code>) {
    if (v != protocol::error_code::none) out.add(v);
  } else if constexpr (is_vector<T>::value) {
    using element = typename T::value_type;
    if constexpr (std::is_same_v<element, protocol::error_code> || walkable_v<element> ||
                  is_vector<element>::value || is_optional<element>::value) {
      for (const auto& e : v) tally_errors(e, out);
    }
  } else if constexpr (is_optional<T>::value) {
    if (v) tally_errors(*v, out);
  } else if constexpr (!std::is_same_v<typename walk_as<T>::type, T>) {
    tally_errors(static_cast<const typename walk_as<T>::type&>(v), out);
  } else if constexpr (walkable_v<T>) {
    boost::pfr::for_each_field(v, [&out](const auto& field) { tally_errors(field, out); });
  }
}

}  // namespace detail

template <class M>
error_tally tally_errors(const M& body) {
  error_tally out;
  detail::tally_errors(body, out);
  return out;
}

}  // namespace sluice::broker
