// Where a result goes: a regular file replaced whole, a device or FIFO
// written in place and never replaced, a symbolic link followed.

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "apps/grader/output_file.hpp"
#include "tests/fixtures/child_process.hpp"
#include "tests/fixtures/file_text.hpp"
#include "tests/fixtures/scratch_directory.hpp"

namespace fs = std::filesystem;
using grader::app::output_file;
using grader::test::slurp;
using grader::test::spit;

namespace {

struct scratch : grader::test::scratch_directory {
  scratch() : scratch_directory("grader-out") {
  }

  // Runs `grader ARGS` here; stdout and stderr go to the files out and err.
  int grader(const std::string& args) {
    auto command = "cd '" + dir.string() + "' && '" GRADER_BINARY "' " + args
                   + " > out 2> err";
    auto status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

// Device nodes can only be made by root; elsewhere those cases are skipped.
bool make_device(const fs::path& path, unsigned major, unsigned minor) {
  if (::geteuid() != 0) {
    WARN("not root: no device node to test with");
    return false;
  }
  REQUIRE(::mknod(path.c_str(), S_IFCHR | 0666, makedev(major, minor)) == 0);
  return true;
}

bool is_character_device(const fs::path& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0 && S_ISCHR(info.st_mode);
}

const std::string small_batch = GRADER_SOURCE_DIR "/examples/small.json";

} // namespace

TEST_CASE("output file replaces a regular file whole and keeps its "
          "permissions",
          "[apps]") {
  scratch s;
  auto path = s.dir / "result.json";
  spit(path, "old");
  ::chmod(path.c_str(), 0640);
  std::string error;
  auto file = output_file::prepare(path, error);
  REQUIRE(file != nullptr);
  // Until the commit the old content stays.
  CHECK(slurp(path) == "old");
  CHECK(fs::exists(file->temp_path()));
  CHECK(file->commit("new").empty());
  CHECK(slurp(path) == "new");
  CHECK((fs::status(path).permissions() & fs::perms::all)
        == (fs::perms::owner_read | fs::perms::owner_write
            | fs::perms::group_read));
  CHECK(std::distance(fs::directory_iterator{s.dir}, {}) == 1);
}

TEST_CASE("output file written in pieces shows them only once committed, "
          "all of them in order",
          "[apps]") {
  scratch s;
  auto path = s.dir / "result.json";
  spit(path, "old");
  std::string error;
  auto file = output_file::prepare(path, error);
  REQUIRE(file != nullptr);
  CHECK(file->write("first, ").empty());
  CHECK(file->write("second, ").empty());
  CHECK(slurp(path) == "old");
  CHECK(file->write("third").empty());
  CHECK(file->commit().empty());
  CHECK(slurp(path) == "first, second, third");
  CHECK(std::distance(fs::directory_iterator{s.dir}, {}) == 1);
}

TEST_CASE("output file in place reports the piece that did not fit and "
          "refuses to commit after it",
          "[apps]") {
  scratch s;
  if (!make_device(s.dir / "full", 1, 7))
    return;
  std::string error;
  auto full = output_file::prepare(s.dir / "full", error);
  REQUIRE(full != nullptr);
  auto why = full->write("no room");
  CHECK(why.find("No space left on device") != std::string::npos);
  CHECK(full->write("more") == why);
  CHECK(full->commit() == why);
}

TEST_CASE("output file removes its temporary file when it is not committed",
          "[apps]") {
  scratch s;
  std::string temp;
  {
    std::string error;
    auto file = output_file::prepare(s.dir / "result.json", error);
    REQUIRE(file != nullptr);
    temp = file->temp_path();
    CHECK(fs::exists(temp));
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK_FALSE(fs::exists(s.dir / "result.json"));
}

TEST_CASE("output file follows a symbolic link and replaces what it points "
          "to",
          "[apps]") {
  scratch s;
  spit(s.dir / "real.json", "old");
  fs::create_symlink("real.json", s.dir / "link.json");
  CHECK(grader::app::write_file_atomically(s.dir / "link.json", "new").empty());
  CHECK(fs::is_symlink(s.dir / "link.json"));
  CHECK(slurp(s.dir / "real.json") == "new");
  // A link to nothing yet creates its target.
  fs::create_symlink("later.json", s.dir / "dangling.json");
  CHECK(
    grader::app::write_file_atomically(s.dir / "dangling.json", "x").empty());
  CHECK(fs::is_symlink(s.dir / "dangling.json"));
  CHECK(slurp(s.dir / "later.json") == "x");
}

TEST_CASE("output file writes into a FIFO in place", "[apps]") {
  scratch s;
  auto fifo = s.dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string error;
  auto file = output_file::prepare(fifo, error);
  REQUIRE(file != nullptr);
  CHECK(file->temp_path().empty());
  auto reader = std::async(std::launch::async, [&] { return slurp(fifo); });
  CHECK(file->commit("through the pipe").empty());
  CHECK(reader.get() == "through the pipe");
  CHECK(fs::is_fifo(fifo));
}

TEST_CASE("output file writes a device node in place and reports a full "
          "one",
          "[apps]") {
  scratch s;
  if (!make_device(s.dir / "null", 1, 3) || !make_device(s.dir / "full", 1, 7))
    return;
  std::string error;
  auto null = output_file::prepare(s.dir / "null", error);
  REQUIRE(null != nullptr);
  CHECK(null->commit("gone").empty());
  CHECK(is_character_device(s.dir / "null"));
  auto full = output_file::prepare(s.dir / "full", error);
  REQUIRE(full != nullptr);
  auto why = full->commit("no room");
  CHECK(why.find("cannot write '") == 0);
  CHECK(why.find("No space left on device") != std::string::npos);
  CHECK(is_character_device(s.dir / "full"));
}

TEST_CASE("output file refuses a directory and a missing folder at once",
          "[apps]") {
  scratch s;
  std::string error;
  CHECK(output_file::prepare(s.dir, error) == nullptr);
  CHECK(error.find("it is a directory") != std::string::npos);
  CHECK(output_file::prepare(s.dir / "missing" / "r.json", error) == nullptr);
  CHECK(error.find("No such file or directory") != std::string::npos);
}

TEST_CASE("grader score -o a device writes it in place, a full one exits 1 "
          "with one line",
          "[apps]") {
  scratch s;
  if (!make_device(s.dir / "null", 1, 3) || !make_device(s.dir / "full", 1, 7))
    return;
  CHECK(s.grader("score -q -o null '" + small_batch + "'") == 0);
  CHECK(is_character_device(s.dir / "null"));
  CHECK(s.grader("score -q -o full '" + small_batch + "'") == 1);
  CHECK(is_character_device(s.dir / "full"));
  CHECK(slurp(s.dir / "err")
        == "grader: cannot write 'full': No space left on device\n");
  CHECK(std::distance(fs::directory_iterator{s.dir}, {}) == 4);
}

TEST_CASE("grader score exits 1 with one line when stdout cannot be written",
          "[apps]") {
  scratch s;
  auto command = "'" GRADER_BINARY "' score -q '" + small_batch
                 + "' > /dev/full 2> '" + (s.dir / "err").string() + "'";
  auto status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(slurp(s.dir / "err")
        == "grader: cannot write the result to standard output: No space "
           "left on device\n");
}

TEST_CASE("grader score refuses an unwritable -o before scoring",
          "[apps][llm]") {
  grader::test::judge_run run;
  CHECK(run.grader("score -q --llm-url " + run.url() + " -o '"
                   + (run.dir / "missing" / "r.json").string() + "' '"
                   + small_batch + "'")
        == 2);
  CHECK(run.err().find("cannot write '") == 8);
  CHECK(run.err().find("No such file or directory") != std::string::npos);
  CHECK(run.out().empty());
  CHECK(run.stats()["completions"] == 0);
}
