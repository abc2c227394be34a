#include "net/judge_backend.hpp"

#include "scoring/judge.hpp"

namespace grader::net {

namespace {

class builtin_judge_backend : public chat_backend {
public:
  void complete(const scoring::chat_request& request, std::chrono::milliseconds,
                std::function<void(chat_outcome)> done) override {
    done(scoring::judge_reply(request));
  }

  std::string description() const override {
    return "built-in judge";
  }
};

} // namespace

std::unique_ptr<chat_backend> make_builtin_judge_backend() {
  return std::make_unique<builtin_judge_backend>();
}

} // namespace grader::net
