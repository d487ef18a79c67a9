#include "broker/timestamp_lookup.h"

#include <unistd.h>

#include <vector>

#include "compression/compression.h"
#include "log/record_batch.h"
#include "protocol/reader.h"

namespace sluice::broker {
namespace {

using protocol::error_code;

// Kafka's smallest record: length, attributes, timestamp delta, offset delta,
// key length, value length, header count (one byte each).
constexpr size_t min_record_bytes = 7;

struct batch_bytes {
  error_code error = error_code::none;
  std::vector<std::byte> bytes;  // empty: no readable batch at that offset
};

// The whole batch that holds offset `o` (below the high watermark).
batch_bytes read_batch_at(const log::partition_log& p, log::offset o) {
  auto r = p.read(o, 1);
  if (!r) return {error_code::kafka_storage_error, {}};
  if (r->slices.empty()) return {};
  const log::file_slice& s = r->slices.front();
  std::vector<std::byte> bytes(log::batch_header_size);
  const auto at = static_cast<off_t>(s.position.value);
  if (s.length < bytes.size() ||
      ::pread(s.fd(), bytes.data(), bytes.size(), at) != static_cast<ssize_t>(bytes.size()))
    return {error_code::kafka_storage_error, {}};
  const size_t size = log::record_batch_view(bytes).size_in_bytes();
  // The slice was cut at batch boundaries, so the first batch fits in it.
  if (size < log::batch_header_size || size > s.length) return {error_code::corrupt_message, {}};
  bytes.resize(size);
  if (::pread(s.fd(), bytes.data(), size, at) != static_cast<ssize_t>(size))
    return {error_code::kafka_storage_error, {}};
  return {error_code::none, std::move(bytes)};
}

// Walks the batch holding `o` and those after it (normally one) to the first
// record accepted by `wanted`; batches for which `candidate` is false are
// passed over without decoding their records.
template <class Candidate, class Wanted>
timestamp_lookup scan_from(const log::partition_log& p, log::offset o, Candidate candidate,
                           Wanted wanted) {
  const log::offset start = p.log_start_offset();
  const log::offset hw = p.high_watermark();
  while (o < hw) {
    batch_bytes b = read_batch_at(p, o);
    if (b.error != error_code::none) return {b.error, std::nullopt};
    if (b.bytes.empty()) break;
    const log::record_batch_view view(b.bytes);
    if (candidate(view)) {
      batch_records records = read_batch_records(b.bytes);
      if (records.error != error_code::none) return {records.error, std::nullopt};
      for (const timestamp_and_offset& r : records.records) {
        if (r.offset >= start.value && r.offset < hw.value && wanted(r))
          return {error_code::none, r};
      }
    }
    if (view.next_offset() <= o) break;  // offsets must move forward
    o = view.next_offset();
  }
  return {};
}

}  // namespace

batch_records read_batch_records(std::span<const std::byte> batch) {
  if (batch.size() < log::batch_header_size) return {error_code::corrupt_message, {}};
  const log::record_batch_view view(batch);
  std::span<const std::byte> body = batch.subspan(log::batch_header_size);
  compression::output inflated;
  if (view.compression() != log::compression_type::none) {
    inflated = compression::decode(static_cast<compression::codec>(view.compression()), body,
                                   max_lookup_batch_bytes);
    if (!inflated) {
      return {inflated.error->what == compression::failure::kind::unknown_codec
                  ? error_code::unsupported_compression_type
                  : error_code::corrupt_message,
              {}};
    }
    body = inflated.bytes;
  }
  const int32_t count = view.record_count();
  if (count < 0 || static_cast<size_t>(count) > body.size() / min_record_bytes)
    return {error_code::corrupt_message, {}};
  batch_records out;
  out.records.reserve(static_cast<size_t>(count));
  std::span<const std::byte> rest = body;
  for (int32_t i = 0; i < count; ++i) {
    protocol::reader length_reader(rest);
    const int32_t length = length_reader.varint();
    if (!length_reader.ok() || length < 0 ||
        static_cast<size_t>(length) > length_reader.remaining())
      return {error_code::corrupt_message, {}};
    const std::span<const std::byte> after_length = length_reader.rest();
    protocol::reader record(after_length.first(static_cast<size_t>(length)));
    (void)record.int8();  // attributes (unused by Kafka today)
    const int64_t timestamp_delta = record.varlong();
    const int32_t offset_delta = record.varint();
    if (!record.ok()) return {error_code::corrupt_message, {}};
    // The producer's bytes, never validated on the way in: wrap rather than
    // overflow (undefined behaviour) on an absurd delta.
    const int64_t timestamp =
        view.log_append_time() ? view.max_timestamp()
                               : static_cast<int64_t>(static_cast<uint64_t>(view.base_timestamp()) +
                                                      static_cast<uint64_t>(timestamp_delta));
    out.records.push_back({timestamp, view.base_offset().value + offset_delta});
    rest = after_length.subspan(static_cast<size_t>(length));  // past key, value, headers
  }
  return out;
}

timestamp_lookup find_offset_by_timestamp(const log::partition_log& p, int64_t target) {
  const std::optional<log::offset> first = p.offset_for_timestamp(target);
  if (!first) return {};
  return scan_from(
      p, *first, [&](const log::record_batch_view& b) { return b.max_timestamp() >= target; },
      [&](const timestamp_and_offset& r) { return r.timestamp >= target; });
}

timestamp_lookup find_max_timestamp(const log::partition_log& p) {
  const log::timestamp_ms max = p.max_timestamp();
  if (max == log::no_timestamp) return {};
  const std::optional<log::offset> first = p.offset_for_timestamp(max);
  if (!first) return {};
  return scan_from(
      p, *first, [&](const log::record_batch_view& b) { return b.max_timestamp() == max; },
      [&](const timestamp_and_offset& r) { return r.timestamp == max; });
}

}  // namespace sluice::broker
