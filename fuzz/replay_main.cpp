// Runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs, without
// libFuzzer, so the normal build and the test suite replay every input that
// ever found a fault. Each argument is a file or a directory of files; names
// starting with '.' are skipped, so a .gitkeep can hold an empty directory.
// Each path is printed before its input runs: when one crashes or aborts,
// the last path printed names it.
//
//   <name>_replay fuzz/corpus/<name> tests/fuzz_regressions/<name>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& path) {
  auto name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

// The files an argument names, in a fixed order so that runs repeat; an
// empty string when it names nothing readable.
std::string collect(const fs::path& arg, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    files.push_back(arg);
    return {};
  }
  if (!fs::is_directory(arg, ec))
    return "no such file or directory: " + arg.string();
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator{arg, ec})
    if (entry.is_regular_file() && !hidden(entry.path()))
      found.push_back(entry.path());
  if (ec)
    return "cannot read directory " + arg.string() + ": " + ec.message();
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return {};
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (auto error = collect(argv[i], files); !error.empty()) {
      std::fprintf(stderr, "%s: %s\n", argv[0], error.c_str());
      return 2;
    }
  }
  for (const auto& file : files) {
    std::printf("%s\n", file.string().c_str());
    std::fflush(stdout);
    // A buffer of exactly the input's size, as libFuzzer passes it, so
    // AddressSanitizer catches a read past the end.
    std::error_code ec;
    auto size = static_cast<size_t>(fs::file_size(file, ec));
    std::unique_ptr<uint8_t[]> data{new uint8_t[ec ? 0 : size]};
    std::ifstream in{file, std::ios::binary};
    if (ec || !in
        || !in.read(reinterpret_cast<char*>(data.get()),
                    static_cast<std::streamsize>(size))) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0],
                   file.string().c_str());
      return 2;
    }
    LLVMFuzzerTestOneInput(data.get(), size);
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
