#include "client/record_batch.h"

#include <algorithm>
#include <set>

#include "base/big_endian.h"

namespace sluice::client {
namespace {

using protocol::error_code;

client_error corrupt(const std::string& topic, int32_t partition, int64_t base_offset,
                     std::string_view why) {
  return make_error(error_code::corrupt_message,
                    "topic '" + topic + "' partition " + std::to_string(partition) +
                        " batch at offset " + std::to_string(base_offset) + ": " +
                        std::string(why));
}

// Decodes the records section of one batch into consumer records at or past
// min_offset.
result<void> read_records(std::span<const std::byte> data, const protocol::batch_header& h,
                          const std::string& topic, int32_t partition, int64_t min_offset,
                          std::vector<consumer_record>& out) {
  const auto ts_type =
      h.log_append_time() ? timestamp_type::log_append_time : timestamp_type::create_time;
  auto decoded = protocol::decode_records(data, h, [&](protocol::batch_record&& r) {
    if (r.offset < min_offset) return;
    consumer_record& cr = out.emplace_back();
    cr.topic = topic;
    cr.partition = partition;
    cr.offset = r.offset;
    cr.timestamp_ms = r.timestamp;
    cr.timestamp_type = ts_type;
    cr.key = std::move(r.key);
    cr.value = std::move(r.value);
    cr.headers = std::move(r.headers);
  });
  if (!decoded) return corrupt(topic, partition, h.base_offset, decoded.error());
  return {};
}

}  // namespace

result<std::vector<std::byte>> encode_batch(std::span<const batch_record> records,
                                            const batch_options& options) {
  if (records.empty())
    return make_error(error_code::invalid_request, "a record batch needs at least one record");
  protocol::batch_header h;
  h.base_offset = options.base_offset;
  h.base_timestamp = records.front().timestamp;
  h.max_timestamp = h.base_timestamp;
  for (const auto& r : records) h.max_timestamp = std::max(h.max_timestamp, r.timestamp);
  h.producer_id = options.producer_id;
  h.producer_epoch = options.producer_epoch;
  h.base_sequence = options.base_sequence;
  h.record_count = static_cast<int32_t>(records.size());
  h.attributes = static_cast<int16_t>(options.compression);
  if (options.transactional || options.control) h.attributes |= protocol::batch_transactional_bit;
  if (options.control) h.attributes |= protocol::batch_control_bit;
  std::vector<std::byte> body;
  protocol::append_records(body, records);
  if (options.compression != compression_type::none) {
    auto packed = compress(options.compression, body);
    if (!packed) return std::move(packed).error();
    body = std::move(*packed);
  }
  return protocol::seal_batch(h, body);
}

result<decoded_batches> decode_batches(std::span<const std::byte> data, const std::string& topic,
                                       int32_t partition, int64_t min_offset, bool check_crc,
                                       const std::vector<aborted_transaction>* aborted) {
  decoded_batches out;
  // read_committed: aborted transactions by first offset, and the producers
  // whose aborted transaction is open at the current batch.
  std::vector<aborted_transaction> pending;
  if (aborted) {
    pending = *aborted;
    std::sort(pending.begin(), pending.end(),
              [](const auto& a, const auto& b) { return a.first_offset < b.first_offset; });
  }
  size_t next_aborted = 0;
  std::set<int64_t> aborting;
  while (data.size() >= protocol::record_batch_length_end) {
    const auto base_offset = base::load_be<int64_t>(data.data());
    const auto batch_length = base::load_be<int32_t>(data.data() + 8);
    constexpr auto min_length =
        static_cast<int32_t>(record_batch_header_bytes - protocol::record_batch_length_end);
    if (batch_length < min_length)
      return corrupt(topic, partition, base_offset,
                     "batch length " + std::to_string(batch_length) + " too small");
    const size_t total = protocol::record_batch_length_end + static_cast<size_t>(batch_length);
    if (total > data.size()) break;  // a partial batch at the end of a fetch
    const auto batch = data.first(total);
    data = data.subspan(total);
    const protocol::batch_header h = *protocol::read_batch_header(batch);
    if (h.magic != protocol::record_batch_magic_v2)
      return corrupt(topic, partition, base_offset,
                     "magic " + std::to_string(h.magic) + " (only RecordBatch v2 is read)");
    if (check_crc && !protocol::crc_matches(batch))
      return corrupt(topic, partition, base_offset, "CRC-32C mismatch");
    if (h.record_count < 0) return corrupt(topic, partition, base_offset, "bad header");
    out.next_offset = h.last_offset + 1;
    if (aborted) {
      // Transactions that began at or before this batch's last offset.
      while (next_aborted < pending.size() && pending[next_aborted].first_offset <= h.last_offset)
        aborting.insert(pending[next_aborted++].producer_id);
    }
    if (h.is_control()) {
      // A marker carries no user records; an abort marker ends its producer's
      // aborted transaction (a commit marker never ends an aborted one).
      if (aborted && aborting.contains(h.producer_id)) {
        std::vector<consumer_record> marker;
        if (auto r = read_records(batch.subspan(record_batch_header_bytes), h, topic, partition, 0,
                                  marker);
            !r)
          return std::move(r).error();
        if (!marker.empty() && marker.front().key && marker.front().key->size() >= 4 &&
            marker.front().key->at(2) == std::byte{0} && marker.front().key->at(3) == std::byte{0})
          aborting.erase(h.producer_id);
      }
      continue;
    }
    if (aborted && h.is_transactional() && aborting.contains(h.producer_id)) continue;
    const auto codec = static_cast<compression_type>(h.compression());
    if (codec > compression_type::zstd)
      return make_error(error_code::unsupported_compression_type,
                        "topic '" + topic + "' batch at offset " + std::to_string(base_offset) +
                            ": codec " + std::to_string(h.compression()));
    auto records = batch.subspan(record_batch_header_bytes);
    std::vector<std::byte> inflated;
    if (codec != compression_type::none) {
      auto r = decompress(codec, records);
      if (!r) return corrupt(topic, partition, base_offset, r.error().message);
      inflated = std::move(*r);
      records = inflated;
    }
    if (auto r = read_records(records, h, topic, partition, min_offset, out.records); !r)
      return std::move(r).error();
  }
  return out;
}

}  // namespace sluice::client
