#include "log/record_batch.h"

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "base/varint.h"
#include "log/errors.h"

namespace sluice::log {

offset record_batch_view::base_offset() const {
  return offset{base::load_be<int64_t>(bytes_.data())};
}
int32_t record_batch_view::batch_length() const {
  return base::load_be<int32_t>(bytes_.data() + base::batch_length_at);
}
int32_t record_batch_view::partition_leader_epoch() const {
  return base::load_be<int32_t>(bytes_.data() + base::batch_leader_epoch_at);
}
int8_t record_batch_view::magic() const {
  return static_cast<int8_t>(bytes_[base::batch_magic_at]);
}
uint32_t record_batch_view::crc() const {
  return static_cast<uint32_t>(base::load_be<int32_t>(bytes_.data() + base::batch_crc_at));
}
int16_t record_batch_view::attributes() const {
  return base::load_be<int16_t>(bytes_.data() + base::batch_attributes_at);
}
int32_t record_batch_view::last_offset_delta() const {
  return base::load_be<int32_t>(bytes_.data() + base::batch_last_offset_delta_at);
}
timestamp_ms record_batch_view::base_timestamp() const {
  return base::load_be<int64_t>(bytes_.data() + base::batch_base_timestamp_at);
}
timestamp_ms record_batch_view::max_timestamp() const {
  return base::load_be<int64_t>(bytes_.data() + base::batch_max_timestamp_at);
}
int64_t record_batch_view::producer_id() const {
  return base::load_be<int64_t>(bytes_.data() + base::batch_producer_id_at);
}
int16_t record_batch_view::producer_epoch() const {
  return base::load_be<int16_t>(bytes_.data() + base::batch_producer_epoch_at);
}
int32_t record_batch_view::base_sequence() const {
  return base::load_be<int32_t>(bytes_.data() + base::batch_base_sequence_at);
}
int32_t record_batch_view::record_count() const {
  return base::load_be<int32_t>(bytes_.data() + base::batch_records_count_at);
}

compression_type record_batch_view::compression() const {
  return static_cast<compression_type>(attributes() & base::batch_compression_mask);
}

uint32_t record_batch_view::compute_crc() const {
  return base::crc32c(bytes_.subspan(batch_crc_start, size_in_bytes() - batch_crc_start));
}

namespace {

// Uncompressed records are each a varint length followed by that many bytes; the
// count must match recordCount and the lengths must use the bytes exactly.
bool records_frame_exactly(std::span<const std::byte> records, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    const auto len = base::read_varint(records);
    if (!len || *len < 0 || static_cast<size_t>(*len) > records.size()) return false;
    records = records.subspan(static_cast<size_t>(*len));
  }
  return records.empty();
}

}  // namespace

std::error_code validate_batch(std::span<const std::byte> bytes) {
  if (bytes.size() < batch_header_size) return errc::corrupt_batch;
  record_batch_view b(bytes);
  if (b.batch_length() < static_cast<int32_t>(batch_header_size - batch_length_field_end)) {
    return errc::corrupt_batch;
  }
  if (b.size_in_bytes() != bytes.size()) return errc::corrupt_batch;
  if (b.magic() != batch_magic_v2) return errc::corrupt_batch;
  if (b.crc() != b.compute_crc()) return errc::corrupt_batch;
  int32_t count = b.record_count();
  if (count < 1 || b.last_offset_delta() != count - 1) return errc::corrupt_batch;
  if (static_cast<uint8_t>(b.compression()) > 4) return errc::corrupt_batch;
  if (b.compression() == compression_type::none &&
      !records_frame_exactly(bytes.subspan(batch_header_size), count)) {
    return errc::corrupt_batch;
  }
  return {};
}

bool batch_iterator::next(record_batch_view& out) {
  if (rest_.size() < batch_length_field_end) return false;
  int32_t len = base::load_be<int32_t>(rest_.data() + base::batch_length_at);
  if (len < static_cast<int32_t>(batch_header_size - batch_length_field_end)) return false;
  size_t total = batch_length_field_end + static_cast<size_t>(len);
  if (total > rest_.size()) return false;
  out = record_batch_view(rest_.first(total));
  rest_ = rest_.subspan(total);
  consumed_ += total;
  return true;
}

void set_base_offset(std::span<std::byte> batch, offset base) {
  base::store_be<int64_t>(batch.data(), base.value);
}

void set_partition_leader_epoch(std::span<std::byte> batch, int32_t epoch) {
  base::store_be<int32_t>(batch.data() + base::batch_leader_epoch_at, epoch);
}

void set_log_append_time(std::span<std::byte> batch, timestamp_ms now) {
  int16_t attrs = base::load_be<int16_t>(batch.data() + base::batch_attributes_at);
  base::store_be<int16_t>(batch.data() + base::batch_attributes_at,
                          static_cast<int16_t>(attrs | base::batch_log_append_time_bit));
  base::store_be<int64_t>(batch.data() + base::batch_max_timestamp_at, now);
  record_batch_view view(batch);
  base::store_be<int32_t>(batch.data() + base::batch_crc_at,
                          static_cast<int32_t>(view.compute_crc()));
}

void set_producer_fields(std::span<std::byte> batch, int16_t attributes, int64_t producer_id,
                         int16_t producer_epoch, int32_t base_sequence) {
  base::store_be<int16_t>(batch.data() + base::batch_attributes_at, attributes);
  base::store_be<int64_t>(batch.data() + base::batch_producer_id_at, producer_id);
  base::store_be<int16_t>(batch.data() + base::batch_producer_epoch_at, producer_epoch);
  base::store_be<int32_t>(batch.data() + base::batch_base_sequence_at, base_sequence);
  base::store_be<int32_t>(batch.data() + base::batch_crc_at,
                          static_cast<int32_t>(record_batch_view(batch).compute_crc()));
}

}  // namespace sluice::log
