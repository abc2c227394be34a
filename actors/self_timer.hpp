#pragma once

#include <chrono>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/error.hpp>
#include <caf/sec.hpp>

#include "messages/type_ids.hpp"

namespace grader {

/// Calls `on_time_up` in `self` after `delay`, unless `self` ended first.
///
/// A `delayed_send` to oneself would do the same, but CAF 0.17 holds the
/// receiver of a delayed message alive until the message is due: 100,000
/// scorers that finished in a second would stay in memory for their whole
/// answer timeout. Instead, `self` sends itself a `deadline_atom` request
/// that its handler leaves unanswered (it returns `caf::delegated<void>`),
/// and the request's timeout is the timer: CAF cancels the timeouts of an
/// actor when it ends, so a finished actor is freed at once.
template <class Self, class F>
void start_self_timer(Self* self, std::chrono::milliseconds delay,
                      F on_time_up) {
  auto me = caf::actor_cast<typename Self::actor_hdl>(self);
  self->request(me, delay, deadline_atom_v)
    .then([] {},
          [self, on_time_up](caf::error& err) mutable {
            if (err == caf::sec::request_timeout)
              on_time_up();
          });
}

} // namespace grader
