#include "tests/support/sim_disk/sim_dir_model.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <functional>

#include "log/errors.h"
#include "log/io/errno_map.h"

namespace sluice::test {

// The engine's I/O vocabulary, used throughout.
using namespace sluice::log;
using namespace sluice::log::io;
namespace {

// Names the simulator keeps for itself in the root; never part of a listing.
constexpr std::string_view reserved_prefix = ".simdisk-";
constexpr std::string_view rebuild_name = ".simdisk-rebuild";

struct stat_result {
  bool ok = false;
  inode_key key;
  bool is_dir = false;
  uint64_t nlink = 0;
};

stat_result lstat_path(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  return {true, {st.st_dev, st.st_ino}, S_ISDIR(st.st_mode), st.st_nlink};
}

// Entry names of a directory, without "." and "..".
std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view n = e->d_name;
    if (n != "." && n != "..") out.emplace_back(n);
  }
  ::closedir(d);
  return out;
}

std::error_code remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  return ec ? error_from_errno(ec.value()) : std::error_code{};
}

}  // namespace

sim_dir_model::sim_dir_model(const std::string& root)
    : root_(std::filesystem::canonical(root).string()), stash_(root_ + "/.simdisk-stash") {
  reset();
}

bool sim_dir_model::covers(const std::string& path) const {
  return path == root_ ||
         (path.size() > root_.size() && path.starts_with(root_) && path[root_.size()] == '/');
}

sim_dir_model::listing sim_dir_model::read_listing(const std::string& dir) const {
  listing out;
  for (const auto& name : names_in(dir)) {
    if (name.starts_with(reserved_prefix)) continue;
    const auto st = lstat_path(dir + "/" + name);
    if (st.ok) out[name] = {st.key, st.is_dir};
  }
  return out;
}

std::string sim_dir_model::stash_name(inode_key k) const {
  return stash_ + "/" + std::to_string(k.dev) + "_" + std::to_string(k.ino);
}

void sim_dir_model::see(const std::string& dir) {
  const auto st = lstat_path(dir);
  if (st.ok && st.is_dir && !durable_.contains(st.key)) durable_[st.key] = read_listing(dir);
}

void sim_dir_model::see_tree(const std::string& dir) {
  see(dir);
  for (const auto& name : names_in(dir)) {
    const std::string child = dir + "/" + name;
    if (lstat_path(child).is_dir) see_tree(child);
  }
}

std::vector<inode_key> sim_dir_model::synced(const std::string& dir) {
  std::vector<inode_key> freed;
  const auto st = lstat_path(dir);
  if (!st.ok || !st.is_dir) return freed;
  durable_[st.key] = read_listing(dir);
  collect_stash(reachable(), &freed);
  return freed;
}

std::error_code sim_dir_model::stash_link(const std::string& path) {
  const auto st = lstat_path(path);
  if (!st.ok || st.is_dir) return {};
  if (::link(path.c_str(), stash_name(st.key).c_str()) != 0 && errno != EEXIST)
    return error_from_errno(errno);
  return {};
}

std::error_code sim_dir_model::move_to_stash(const std::string& path, std::string* stashed_at) {
  const auto st = lstat_path(path);
  if (!st.ok) return error_from_errno(ENOENT);
  const std::string target = stash_name(st.key);
  if (stashed_at != nullptr) *stashed_at = target;
  // Already stashed under another name (a second hard link): just drop this one.
  if (lstat_path(target).ok)
    return ::unlink(path.c_str()) == 0 ? std::error_code{} : error_from_errno(errno);
  if (::rename(path.c_str(), target.c_str()) != 0) return error_from_errno(errno);
  return {};
}

// Every inode a power loss could bring back: what the durable listings name,
// from the root down. A directory without a listing of its own has never been
// touched, so its contents are where they are and need no stash.
std::set<inode_key> sim_dir_model::reachable() const {
  std::set<inode_key> seen;
  std::vector<inode_key> todo{lstat_path(root_).key};
  while (!todo.empty()) {
    const auto it = durable_.find(todo.back());
    todo.pop_back();
    if (it == durable_.end()) continue;
    for (const auto& [name, e] : it->second) {
      if (seen.insert(e.key).second && e.is_dir) todo.push_back(e.key);
    }
  }
  return seen;
}

void sim_dir_model::collect_stash(const std::set<inode_key>& keep, std::vector<inode_key>* freed) {
  // Moves what must survive out of a stashed tree before that tree goes.
  std::function<void(const std::string&)> rescue = [&](const std::string& dir) {
    for (const auto& name : names_in(dir)) {
      const std::string child = dir + "/" + name;
      const auto st = lstat_path(child);
      if (keep.contains(st.key)) {
        if (!lstat_path(stash_name(st.key)).ok) ::rename(child.c_str(), stash_name(st.key).c_str());
      } else if (st.is_dir) {
        rescue(child);
      }
    }
  };
  // Forgets the state of everything in a tree about to be deleted.
  std::function<void(const std::string&)> forget = [&](const std::string& path) {
    const auto st = lstat_path(path);
    if (!st.is_dir) {
      if (st.nlink == 1) freed->push_back(st.key);
      return;
    }
    durable_.erase(st.key);
    for (const auto& name : names_in(path)) forget(path + "/" + name);
  };
  for (const auto& name : names_in(stash_)) {
    const std::string path = stash_ + "/" + name;
    const auto st = lstat_path(path);
    if (!st.ok || keep.contains(st.key)) continue;
    if (st.is_dir) rescue(path);
    forget(path);
    remove_tree(path);
  }
}

std::error_code sim_dir_model::rebuild(std::vector<std::pair<std::string, inode_key>>* files) {
  // 1. Where every inode under the root (stash included) can be found now.
  std::map<inode_key, std::string> where;
  std::function<void(const std::string&)> walk = [&](const std::string& dir) {
    for (const auto& name : names_in(dir)) {
      if (dir == root_ && name == rebuild_name) continue;
      const std::string path = dir + "/" + name;
      const auto st = lstat_path(path);
      if (!st.ok) continue;
      where.emplace(st.key, path);
      if (st.is_dir) walk(path);
    }
  };
  walk(root_);

  // 2. The durable tree, built beside the old one: directories afresh, files as
  //    hard links to their inodes, so contents (and inode numbers) carry over.
  const std::string out = root_ + "/" + std::string(rebuild_name);
  remove_tree(out);
  if (::mkdir(out.c_str(), 0755) != 0) return error_from_errno(errno);
  std::error_code first_error;
  auto note = [&](std::error_code ec) {
    if (ec && !first_error) first_error = ec;
  };
  std::set<inode_key> on_path;  // guards against a listing that names an ancestor
  std::function<void(const std::string&, const std::string&, inode_key)> build =
      [&](const std::string& dst_dir, const std::string& rel, inode_key dir) {
        listing l;
        if (auto it = durable_.find(dir); it != durable_.end())
          l = it->second;
        else if (auto w = where.find(dir); w != where.end())
          l = read_listing(w->second);
        for (const auto& [name, e] : l) {
          const std::string dst = dst_dir + "/" + name;
          if (e.is_dir) {
            if (::mkdir(dst.c_str(), 0755) != 0) note(error_from_errno(errno));
            if (on_path.insert(e.key).second) build(dst, rel + name + "/", e.key);
            on_path.erase(e.key);
            continue;
          }
          auto src = where.find(e.key);
          // A durable name whose inode is gone: removed behind the simulator's back.
          if (src == where.end()) {
            note(make_error_code(errc::not_found));
            continue;
          }
          if (::link(src->second.c_str(), dst.c_str()) != 0) note(error_from_errno(errno));
          files->emplace_back(root_ + "/" + rel + name, e.key);
        }
      };
  build(out, "", lstat_path(root_).key);

  // 3. Swap: drop the old tree and the stash, move the new tree into the root.
  for (const auto& name : names_in(root_))
    if (name != rebuild_name) note(remove_tree(root_ + "/" + name));
  for (const auto& name : names_in(out))
    if (::rename((out + "/" + name).c_str(), (root_ + "/" + name).c_str()) != 0)
      note(error_from_errno(errno));
  if (::rmdir(out.c_str()) != 0) note(error_from_errno(errno));
  std::sort(files->begin(), files->end());
  return first_error;
}

void sim_dir_model::reset() {
  durable_.clear();
  if (::mkdir(stash_.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::system_error(errno, std::generic_category(), "mkdir " + stash_);
  see(root_);
}

}  // namespace sluice::test
