#pragma once

/// grader for a host application: everything it needs in one include.
///
/// 1. `grader::register_message_types(cfg)` on the host's
///    `caf::actor_system_config`, before the `caf::actor_system` starts.
/// 2. `grader::spawn_scoring_service(sys, grader::config{})` for the
///    built-in judge, or pass `grader::net::make_openai_backend(...)` as the
///    third argument to judge with an OpenAI-compatible LLM.
/// 3. `request(service, timeout, grader::score_atom_v, batch)` with a
///    `grader::batch_request`; the one reply is a `grader::batch_result`.
/// 4. `caf::anon_send_exit(service, caf::exit_reason::user_shutdown)`
///    before the actor system ends, or its destructor waits forever; its
///    batches end with it.
///
/// To follow a batch, send `score_atom_v, batch, progress_listeners{...}`:
/// each listener gets a `batch_progress` per settled answer. To survive a
/// crash, make one of them `spawn_journal_listener(sys, path)`, and after a
/// restart score `plan_resume(batch, *read_journal(path, error)).remaining`
/// and `merge` its result with the plan (see README, Embedding).

#include "actors/journal_listener.hpp"
#include "actors/node_pool.hpp"
#include "actors/registration.hpp"
#include "actors/scoring_service.hpp"
#include "messages/batch_reader.hpp"
#include "messages/batch_result_json.hpp"
#include "messages/journal.hpp"
#include "messages/outcome_json.hpp"
#include "messages/resume_plan.hpp"
#include "messages/type_ids.hpp"
#include "net/chat_backend.hpp"
#include "net/openai_backend.hpp"
