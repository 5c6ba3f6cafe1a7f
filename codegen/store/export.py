"""Reading the audit log back: search, and the chat-format fine-tuning export (SFT).

``sft_examples`` turns each accepted candidate into ``{"messages": [system, user, assistant]}``,
the format transformers/TRL chat fine-tuning takes (the first step towards a LoRA adapter
the transformers backend loads with ``--adapter``). A later accept of the same candidate, or
one carrying edited ``code``, wins; accepts whose request line is missing are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

SYSTEM = (
    "You are a careful programming assistant. Answer with one complete, correct program "
    "in a fenced code block tagged with its language."
)


def search(records: Iterable[dict[str, Any]], pattern: str) -> Iterator[dict[str, Any]]:
    """Records whose description, user, client, interface or any candidate's code matches
    ``pattern`` (a case-insensitive regular expression)."""
    rx = re.compile(pattern, re.IGNORECASE)
    for record in records:
        texts = [
            str(record.get(k, "")) for k in ("description", "user", "client", "interface", "id")
        ]
        texts += [str(c.get("code", "")) for c in record.get("candidates", [])]
        if any(rx.search(t) for t in texts):
            yield record


def accepted(records: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(request record, accepted candidate) pairs, in the order they were accepted."""
    requests: dict[str, dict[str, Any]] = {}
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        if record.get("type") == "request":
            requests[str(record.get("id"))] = record
        elif record.get("type") == "accept":
            req = requests.get(str(record.get("id")))
            if req is None:
                continue
            cands = {str(c.get("id")): c for c in req.get("candidates", [])}
            cand = cands.get(str(record.get("candidate")))
            if cand is None:
                continue
            if "code" in record:
                cand = {**cand, "code": record["code"]}
            key = (str(record["id"]), str(record["candidate"]))
            chosen.pop(key, None)
            chosen[key] = {"request": req, "candidate": cand}
    return [(v["request"], v["candidate"]) for v in chosen.values()]


def sft_example(request: dict[str, Any], candidate: dict[str, Any]) -> dict[str, Any]:
    language = str(candidate.get("language", ""))
    params = request.get("parameters") or {}
    prompt = f"Write {language} code for this task:\n{request.get('description', '')}"
    signature = params.get("signature")
    if isinstance(signature, dict):  # per-language signatures
        signature = signature.get(language)
    if signature:
        prompt += f"\nThe code must define: {signature}"
    code = str(candidate.get("code", "")).rstrip("\n")
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": f"```{language}\n{code}\n```"},
        ]
    }


def sft_examples(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [sft_example(req, cand) for req, cand in accepted(records) if cand.get("code")]
