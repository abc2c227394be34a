#pragma once

// The one registry of everything grader sends between actors: message types
// with their CAF type IDs, and the atoms. A reader learns the vocabulary of
// the protocol here; actors/actors.hpp says who accepts what.

#include <caf/type_id.hpp>

#include "messages/batch_progress.hpp"
#include "messages/batch_request.hpp"
#include "messages/batch_result.hpp"
#include "messages/call_limits.hpp"
#include "messages/call_place.hpp"
#include "messages/chat.hpp"
#include "messages/gateway_reply.hpp"
#include "messages/llm_call_done.hpp"
#include "messages/llm_stats.hpp"
#include "messages/score_result.hpp"
#include "messages/scoring_task.hpp"

// grader's type IDs start at 4200. CAF reserves 0-199 and many CAF projects
// (Broker among them) start at caf::first_custom_type_id = 200, so a host
// embedding grader next to them never sees a collision. The actor handles
// that travel in messages follow at 4300 (actors/actors.hpp).
CAF_BEGIN_TYPE_ID_BLOCK(grader, 4200)

// -- requests and replies --------------------------------------------------

CAF_ADD_TYPE_ID(grader, (grader::batch_progress))
CAF_ADD_TYPE_ID(grader, (grader::batch_request))
CAF_ADD_TYPE_ID(grader, (grader::batch_result))
CAF_ADD_TYPE_ID(grader, (grader::scoring_task))
CAF_ADD_TYPE_ID(grader, (grader::score_result))

// -- the LLM gateway -------------------------------------------------------

CAF_ADD_TYPE_ID(grader, (grader::call_place))
CAF_ADD_TYPE_ID(grader, (grader::chat_request))
CAF_ADD_TYPE_ID(grader, (grader::gateway_reply))
CAF_ADD_TYPE_ID(grader, (grader::llm_call_done))
CAF_ADD_TYPE_ID(grader, (grader::llm_stats))

// -- atoms: operations -----------------------------------------------------

/// Score a batch (service, coordinator) or one answer (scorer).
CAF_ADD_ATOM(grader, grader, score_atom, "score")

/// The batch deadline fired (a coordinator's message to itself).
CAF_ADD_ATOM(grader, grader, deadline_atom, "deadline")

/// Ask the LLM gateway for a chat completion.
CAF_ADD_ATOM(grader, grader, chat_atom, "chat")

/// A gateway's backoff timer for a retry ran out.
CAF_ADD_ATOM(grader, grader, retry_atom, "retry")

/// A gateway's admission pause ran out: start the waiting calls the
/// limits now allow.
CAF_ADD_ATOM(grader, grader, admit_atom, "admit")

/// Ask for counters.
CAF_ADD_ATOM(grader, grader, stats_atom, "stats")

/// Stop a batch now: unfinished answers fail with ec::cancelled.
CAF_ADD_ATOM(grader, grader, cancel_atom, "cancel")

/// Finish what earlier messages asked for, then reply (a progress
/// listener).
CAF_ADD_ATOM(grader, grader, flush_atom, "flush")

/// Ask a scoring service how many LLM calls it keeps in flight.
CAF_ADD_ATOM(grader, grader, capacity_atom, "capacity")

/// A client on another node starts using a scoring service.
CAF_ADD_ATOM(grader, grader, client_atom, "client")

/// Take no new batch, and reply once the batches under way have ended.
CAF_ADD_ATOM(grader, grader, drain_atom, "drain")

/// The limits of a group of batches of their own (a gateway's).
CAF_ADD_ATOM(grader, grader, limits_atom, "limits")

// -- added with the limits of a group of batches ---------------------------

CAF_ADD_TYPE_ID(grader, (grader::call_limits))

// -- added with the judge settings a node tells its clients ----------------

CAF_ADD_TYPE_ID(grader, (grader::judge_settings))

CAF_END_TYPE_ID_BLOCK(grader)
