#!/usr/bin/env python3
"""Writes a batch of N answers (JSON) to stdout for benchmarks: the answers
of examples/mixed.json repeated with fresh ids until there are N."""
import json
import pathlib
import sys

def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: bench/make_batch.py N")
    count = int(sys.argv[1])
    examples = pathlib.Path(__file__).resolve().parent.parent / "examples"
    source = json.loads((examples / "mixed.json").read_text(encoding="utf-8"))
    answers = []
    for i in range(count):
        answer = dict(source["answers"][i % len(source["answers"])])
        answer["answer_id"] = f"b{i}"
        answer["user_id"] = f"user-{i}"
        answers.append(answer)
    json.dump({"session_id": f"bench-{count}", "answers": answers},
              sys.stdout, ensure_ascii=False)

if __name__ == "__main__":
    main()
