#pragma once
// Kafka RecordBatch v2 (magic 2) as the client uses it: building a batch from
// the producer's records (compressed when asked) and reading the records out
// of fetched bytes. The byte layout and the record framing are the one codec's,
// protocol/record_batch.h; this layer adds compression and the consumer's rules.
//
// The CRC is checked on read; a batch with a bad CRC, a short or malformed
// body is CORRUPT_MESSAGE. A fetch may end in a partial batch (the broker cuts
// at max bytes): decode_batches stops there without error. Control batches
// (transaction markers) are never handed out as records. Pure functions; any
// thread.
//
// Control batch (attributes 0x20, always with 0x10): one record whose key is
// int16 version (0) | int16 type (0 abort, 1 commit) and whose value is int16
// version | int32 coordinator_epoch.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/compression.h"
#include "client/error.h"
#include "client/record.h"
#include "protocol/record_batch.h"

namespace sluice::client {

using protocol::record_batch_header_bytes;

// One record to put in a batch, as the producer holds it (timestamp in ms).
using protocol::batch_record;

struct batch_options {
  compression_type compression = compression_type::none;
  int64_t base_offset = 0;  // the broker assigns offsets; 0 on produce
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  bool transactional = false;  // attributes bit 4: part of a transaction
  bool control = false;        // attributes bit 5: a transaction marker (tests, tools)
};

// Encodes records (at least one) into one RecordBatch v2.
result<std::vector<std::byte>> encode_batch(std::span<const batch_record> records,
                                            const batch_options& options);

// The bytes one record takes inside an uncompressed batch (for batch sizing),
// from a batch_record or from its parts.
using protocol::record_encoded_size;

// What decode_batches returns besides the records.
struct decoded_batches {
  std::vector<consumer_record> records;
  // The offset after the last complete batch read (its last_offset_delta + 1
  // past its base), or nullopt when no complete batch was found. Consumers
  // move their position here even when every record was skipped (control
  // batches, compacted gaps).
  std::optional<int64_t> next_offset;
};

// A Fetch answer's aborted transaction (read_committed): the producer's
// transactional records from first_offset up to its abort marker are dropped.
struct aborted_transaction {
  int64_t producer_id = -1;
  int64_t first_offset = 0;
};

// Reads every complete batch in `data` and appends its records whose offset
// is >= min_offset (a fetch starts at the batch holding the fetch offset, so
// earlier records of that batch are skipped). `topic`/`partition` are copied
// into each record.
//
// With `aborted` (read_committed), a transactional batch of a producer that
// has an aborted transaction starting at or before the batch (and whose abort
// marker has not been passed yet) is skipped, as Kafka's consumer does: an
// aborted transaction is active for its producer from its first offset until
// that producer's next abort marker.
result<decoded_batches> decode_batches(std::span<const std::byte> data, const std::string& topic,
                                       int32_t partition, int64_t min_offset, bool check_crc = true,
                                       const std::vector<aborted_transaction>* aborted = nullptr);

}  // namespace sluice::client
