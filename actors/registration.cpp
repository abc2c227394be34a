#include "actors/registration.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system_config.hpp>

#include "actors/actors.hpp"
#include "messages/error.hpp"

namespace grader {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::grader>();
  cfg.add_message_types<caf::id_block::grader_actors>();
  // CAF 0.17's add_error_category<T> does not compile, so the renderer is
  // spelled out: "grader.invalid_answer: difficulty must be ...".
  cfg.add_error_category(caf::atom("grader"), [](uint8_t code, caf::atom_value,
                                                 const caf::message& context) {
    auto text = "grader." + to_string(static_cast<ec>(code));
    if (context.match_elements<std::string>())
      text += ": " + context.get_as<std::string>(0);
    return text;
  });
}

void configure_scheduler(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads",
          static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  cfg.set("work-stealing.moderate-poll-attempts", 0);
}

} // namespace grader
