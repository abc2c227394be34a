#!/usr/bin/env python3
"""Writes a batch of N answers (JSON) to stdout for benchmarks: the answers
of examples/mixed.json repeated with fresh ids until there are N.

usage: bench/make_batch.py N [QUESTION_TYPE]
With QUESTION_TYPE (e.g. short_answer), only answers of that type are used.
Every copy of a short answer gets a distinct suffix, so that no two are
identical and the LLM gateway's cache cannot answer for the model."""
import json
import pathlib
import sys

def main() -> None:
    if len(sys.argv) not in (2, 3) or not sys.argv[1].isdigit():
        sys.exit("usage: bench/make_batch.py N [QUESTION_TYPE]")
    count = int(sys.argv[1])
    examples = pathlib.Path(__file__).resolve().parent.parent / "examples"
    source = json.loads((examples / "mixed.json").read_text(encoding="utf-8"))
    pool = source["answers"]
    if len(sys.argv) == 3:
        pool = [a for a in pool if a["question_type"] == sys.argv[2]]
        if not pool:
            sys.exit(f"no answers of type {sys.argv[2]} in examples/mixed.json")
    answers = []
    for i in range(count):
        answer = dict(pool[i % len(pool)])
        answer["answer_id"] = f"b{i}"
        answer["user_id"] = f"user-{i}"
        if answer["question_type"] == "short_answer":
            answer["user_answer"] = f"{answer['user_answer']} ({i})"
        answers.append(answer)
    json.dump({"session_id": f"bench-{count}", "answers": answers},
              sys.stdout, ensure_ascii=False)

if __name__ == "__main__":
    main()
