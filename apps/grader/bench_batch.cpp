#include "apps/grader/bench_batch.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace grader::app {

namespace {

struct short_template {
  const char* question_id;
  const char* text;
  std::vector<std::string> keywords;
  const char* category;
  int difficulty;
};

// The non-blank short answers of examples/mixed.json, in three languages.
const std::vector<short_template>& short_templates() {
  static const std::vector<short_template> templates{
    {"en-bio-photosynthesis-sa",
     "Plants use sunlight, water and carbon dioxide to make glucose, and "
     "they release oxygen.",
     {"sunlight", "carbon dioxide", "glucose", "oxygen"},
     "biology",
     5},
    {"en-hist-ww1-causes-sa",
     "The assassination of an archduke in Sarajevo started the war.",
     {"assassination", "Franz Ferdinand", "alliances"},
     "history",
     6},
    {"en-geo-water-cycle-sa",
     "Evaporation from the oceans forms clouds, and then the water falls "
     "back down as precipitation.",
     {"evaporation", "condensation", "precipitation"},
     "geography",
     4},
    {"en-math-pythagorean-theorem-sa",
     "In a right triangle the square of the hypotenuse equals the sum of "
     "the squares of the other two sides.",
     {"right triangle", "hypotenuse", "squares"},
     "math",
     3},
    {"ko-sci-boiling-point-mountain-sa",
     "높은 산에서는 기압이 낮아서 물의 끓는점이 100도보다 낮아진다.",
     {"기압", "끓는점"},
     "physics",
     6},
    {"zh-bio-photosynthesis-sa",
     "植物利用光能，把二氧化碳和水转化为葡萄糖，并释放氧气。",
     {"光能", "二氧化碳", "葡萄糖", "氧气"},
     "biology",
     5},
  };
  return templates;
}

constexpr std::array<const char*, 12> mc_categories{
  "geography", "math", "physics", "history", "biology", "chemistry",
  "geography", "math", "physics", "history", "biology", "chemistry"};

} // namespace

batch_request bench_batch(question_type type, size_t count,
                          const std::string& tag) {
  batch_request batch;
  batch.session_id = "bench-" + tag;
  batch.answers.reserve(count);
  const auto& templates = short_templates();
  for (size_t i = 0; i < count; ++i) {
    answer x;
    x.index = i;
    x.answer_id = tag + "-" + std::to_string(i);
    x.user_id = "user-" + std::to_string(i % 1000);
    x.type = type;
    if (type == question_type::short_answer) {
      const auto& t = templates[i % templates.size()];
      x.question_id = t.question_id;
      x.user_answer = std::string{t.text} + " (" + tag + " " + std::to_string(i)
                      + ")";
      x.correct_keywords = t.keywords;
      x.category = t.category;
      x.difficulty = t.difficulty;
    } else {
      x.type = question_type::multiple_choice;
      // Choices and keys cycle at different rates: a quarter is correct.
      static constexpr const char* letters[] = {"A", "B", "C", "D"};
      auto question = i % mc_categories.size();
      x.question_id = "bench-mc-" + std::to_string(question);
      x.user_answer = letters[i % 4];
      x.correct_answer = letters[(i / 3) % 4];
      x.category = mc_categories[question];
      x.difficulty = static_cast<int32_t>(1 + question % 10);
    }
    batch.answers.push_back(std::move(x));
  }
  return batch;
}

std::string bench_batch_json(const batch_request& batch) {
  nlohmann::ordered_json answers = nlohmann::ordered_json::array();
  for (const auto& x : batch.answers) {
    nlohmann::ordered_json item{{"answer_id", x.answer_id},
                                {"user_id", x.user_id},
                                {"question_id", x.question_id},
                                {"question_type",
                                 std::string{scoring::to_string(x.type)}},
                                {"user_answer", x.user_answer}};
    if (x.type == question_type::short_answer)
      item["correct_keywords"] = x.correct_keywords;
    else
      item["correct_answer"] = x.correct_answer;
    item["difficulty"] = x.difficulty;
    item["category"] = x.category;
    answers.push_back(std::move(item));
  }
  nlohmann::ordered_json body{{"session_id", batch.session_id},
                              {"answers", std::move(answers)}};
  return body.dump();
}

namespace {

const std::vector<std::string> bench_fault_kinds{"hang",
                                                 "slow",
                                                 "429",
                                                 "429_long",
                                                 "500",
                                                 "503",
                                                 "malformed_body",
                                                 "malformed_content",
                                                 "reset"};

} // namespace

batch_request faulty_bench_batch(size_t count, size_t every) {
  auto short_count = count / 2;
  auto batch = bench_batch(question_type::short_answer, short_count, "faults");
  auto mc = bench_batch(question_type::multiple_choice, count - short_count,
                        "faults");
  size_t faulty = 0;
  for (size_t i = 0; every > 0 && i < short_count; i += every)
    batch.answers[i].user_answer
      += " [[fault:" + bench_fault_kinds[faulty++ % bench_fault_kinds.size()]
         + "]]";
  for (auto& x : mc.answers) {
    x.index += short_count;
    x.answer_id = "faults-" + std::to_string(x.index);
    batch.answers.push_back(std::move(x));
  }
  return batch;
}

} // namespace grader::app
