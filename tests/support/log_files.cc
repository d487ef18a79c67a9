#include "tests/support/log_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "log/file_names.h"
#include "log/record_batch.h"

namespace sluice::test {

namespace fs = std::filesystem;

void copy_dir(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

std::vector<std::byte> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::byte> out(fs::file_size(path));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  if (!in) throw std::runtime_error("cannot read " + path);
  return out;
}

void write_file(const std::string& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void append_to_file(const std::string& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot append to " + path);
}

void resize_file(const std::string& path, uint64_t size) { fs::resize_file(path, size); }

void flip_bit(const std::string& path, uint64_t position, int bit) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  if (!f) throw std::runtime_error("cannot open " + path);
  f.seekg(static_cast<std::streamoff>(position));
  char c = 0;
  if (!f.get(c)) throw std::runtime_error("flip_bit past the end of " + path);
  c = static_cast<char>(c ^ (1 << bit));
  f.seekp(static_cast<std::streamoff>(position));
  f.put(c);
  if (!f) throw std::runtime_error("cannot write " + path);
}

uint64_t file_size(const std::string& path) { return fs::file_size(path); }

bool file_exists(const std::string& path) { return fs::exists(path); }

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::byte> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::byte> out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng());
  return out;
}

std::vector<log::offset> segment_bases(const std::string& partition_dir) {
  std::vector<log::offset> bases;
  for (const auto& name : list_dir(partition_dir)) {
    auto parsed = log::file_names::parse_segment_file(name);
    if (parsed && parsed->kind == log::file_names::segment_file_kind::log) {
      bases.push_back(parsed->base_offset);
    }
  }
  std::sort(bases.begin(), bases.end());
  return bases;
}

std::vector<disk_batch> read_batches(const std::string& partition_dir) {
  std::vector<disk_batch> out;
  for (log::offset base : segment_bases(partition_dir)) {
    std::vector<std::byte> file = read_file(log_path(partition_dir, base));
    log::batch_iterator it(file);
    log::record_batch_view v(file);
    while (it.next(v)) {
      disk_batch b;
      b.segment_base = base;
      b.position = log::file_position{it.consumed() - v.size_in_bytes()};
      b.base_offset = v.base_offset();
      b.last_offset = v.last_offset();
      b.max_timestamp = v.max_timestamp();
      b.bytes.assign(v.bytes().begin(), v.bytes().end());
      out.push_back(std::move(b));
    }
  }
  return out;
}

std::string log_path(const std::string& partition_dir, log::offset base) {
  return partition_dir + "/" + log::file_names::log_file(base);
}

std::string index_path(const std::string& partition_dir, log::offset base) {
  return partition_dir + "/" + log::file_names::index_file(base);
}

std::string time_index_path(const std::string& partition_dir, log::offset base) {
  return partition_dir + "/" + log::file_names::time_index_file(base);
}

}  // namespace sluice::test
