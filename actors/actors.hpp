#pragma once

// Every typed actor interface of grader. A reader learns the whole protocol
// from this file: who accepts which message and what comes back.

#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace grader {

/// Follows one batch: gets an event per settled answer, in the order the
/// answers settle. A batch may have several (a progress line, a journal).
using progress_listener_actor = caf::typed_actor<
  // One more answer of the batch is settled.
  caf::reacts_to<batch_progress>,
  // Replies once every earlier event is handled (drawn, written), with what
  // went wrong so far (`cannot write journal 'j.jsonl': No space left on
  // device`), empty when nothing did.
  caf::replies_to<flush_atom>::with<std::string>>;

/// The listeners a batch is scored with.
using progress_listeners = std::vector<progress_listener_actor>;

/// Scores one answer, replies once and quits.
using scorer_actor = caf::typed_actor<
  // Replies with the scored answer, or with an error of category grader
  // (ec::invalid_answer names the faulty fields).
  caf::replies_to<score_atom, scoring_task>::with<score_result>,
  // The answer's time is up (the scorer's message to itself): it replies
  // with what it has, falling back to rules where it must.
  caf::reacts_to<deadline_atom>,
  // The gateway retries one of its calls after this error (counted as it
  // happens, so that an answer that times out still reports it).
  caf::reacts_to<retry_atom, std::string>>;

/// One per service, shared by all its batches: admits LLM calls within the
/// in-flight and per-minute limits, retries transient failures with backoff,
/// coalesces identical calls and caches replies.
using llm_gateway_actor = caf::typed_actor<
  // Replies with the completion, or an error of category grader
  // (ec::llm_unavailable, ec::llm_refused). Before each retry of a call it
  // tells its requesters (retry_atom and the error, see scorer_actor).
  caf::replies_to<chat_atom, chat_request>::with<gateway_reply>,
  // The same, waiting for admission at that place (see call_place): the
  // oldest answer of a batch first, batches in turn, interactive first.
  caf::replies_to<chat_atom, chat_request, call_place>::with<gateway_reply>,
  // Replies with the counters.
  caf::replies_to<stats_atom>::with<llm_stats>,
  // The limits of a group of batches (call_place::group) from now on; none
  // at all forgets the group (see call_groups).
  caf::reacts_to<limits_atom, uint64_t, call_limits>,
  // A backend call ended (sent from the I/O side).
  caf::reacts_to<llm_call_done>,
  // A backoff ran out (the gateway's message to itself): the call to retry
  // goes ahead of the waiting calls.
  caf::reacts_to<retry_atom, uint64_t>,
  // An admission pause ran out (a rate window, a Retry-After, an open
  // circuit; the gateway's message to itself): waiting calls start as the
  // limits allow.
  caf::reacts_to<admit_atom>>;

/// Scores one batch: spawns a scorer per answer, replies exactly once with
/// every answer accounted for, then quits.
using batch_coordinator_actor = caf::typed_actor<
  // Replies with the batch result by the batch deadline at the latest,
  // having sent each listener an event per item first. Refuses a batch
  // whose items do not have distinct positions (ec::invalid_batch).
  caf::replies_to<score_atom, batch_request,
                  progress_listeners>::with<batch_result>,
  // Replies at once, unfinished answers failing with ec::cancelled.
  caf::reacts_to<cancel_atom>,
  // The batch deadline fired (the coordinator's message to itself).
  caf::reacts_to<deadline_atom>>;

/// The entry actor a host application or a remote client talks to; spawns
/// one coordinator per batch, so batches run side by side. Killed, it ends
/// its batches, whose requesters then get no reply.
using scoring_service_actor = caf::typed_actor<
  // Replies with the batch result.
  caf::replies_to<score_atom, batch_request>::with<batch_result>,
  // The same, with listeners following the batch as it is scored.
  caf::replies_to<score_atom, batch_request,
                  progress_listeners>::with<batch_result>,
  // Cancels the batch of that session id (see batch_coordinator_actor).
  caf::reacts_to<cancel_atom, std::string>,
  // Replies with the LLM gateway's counters.
  caf::replies_to<stats_atom>::with<llm_stats>,
  // Replies with the most LLM calls it keeps in flight (its share of the
  // work when it is one of several nodes), what judges its answers (the
  // batch metrics' `llm`) and the settings it judges with (the metrics'
  // `judge`): a client records them in its journal and compares them with
  // an earlier run's.
  caf::replies_to<capacity_atom>::with<uint32_t, std::string, judge_settings>,
  // A client on another node (its node pool) starts using the service,
  // which monitors it: when it goes, the batches sent from its node end and
  // their LLM calls are dropped.
  caf::reacts_to<client_atom, caf::actor>,
  // Takes no new batch from now on (a new one fails with
  // ec::node_stopping, and a client gives it to another node) and replies,
  // with how many there were, once the batches under way have ended
  // (`grader node` stopping).
  caf::replies_to<drain_atom>::with<uint64_t>>;

/// Scores one batch on the scoring services of other nodes (see
/// actors/distributor.hpp), replies exactly once, then quits.
using distributor_actor = caf::typed_actor<
  // Replies with the batch result, having sent each listener an event per
  // item first.
  caf::replies_to<score_atom, batch_request,
                  progress_listeners>::with<batch_result>,
  // Replies at once, unfinished answers failing with ec::cancelled.
  caf::reacts_to<cancel_atom>,
  // The deadline and a grace passed (its message to itself).
  caf::reacts_to<deadline_atom>,
  // An answer of one of its chunks is settled on a node; it is the
  // listener of every chunk.
  caf::reacts_to<batch_progress>,
  caf::replies_to<flush_atom>::with<std::string>>;

} // namespace grader

// Actor handles that travel in messages have type IDs of their own, in a
// block after grader's messages (see messages/type_ids.hpp).
CAF_BEGIN_TYPE_ID_BLOCK(grader_actors, 4300)

CAF_ADD_TYPE_ID(grader_actors, (grader::progress_listener_actor))
CAF_ADD_TYPE_ID(grader_actors, (grader::progress_listeners))

CAF_END_TYPE_ID_BLOCK(grader_actors)
