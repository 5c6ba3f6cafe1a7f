"""Robustness: >= 10,000 malformed, truncated, oversized and fuzzed messages against one
running server; after every batch it still answers a valid request."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_server_process import RpcClient, frame, start_stdio

BATCHES = 60
PER_BATCH = 100  # draws; most expand to several messages
OVERSIZED = 4 * 1024 * 1024 + 1

# Methods the fuzzer may call: nothing that ends the session or starts the model.
METHODS = [
    "codegen/validate",
    "codegen/languages",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/codeAction",
    "$/cancelRequest",
    "initialize",
    "no/such/method",
]

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
json_values = (
    scalars
    | st.lists(scalars, max_size=3)
    | st.dictionaries(
        st.sampled_from(["language", "code", "id", "textDocument", "x"]), scalars, max_size=3
    )
)

envelopes = st.fixed_dictionaries(
    {},
    optional={
        "jsonrpc": st.sampled_from(["2.0", "2.0", "1.0", 2, None]),
        "id": st.integers() | st.text(max_size=6) | st.none() | st.lists(st.integers(), max_size=2),
        "method": st.sampled_from(METHODS) | st.text(max_size=10) | st.integers(),
        "params": json_values,
        "result": scalars,
    },
).filter(lambda env: env.get("method") not in ("exit", "shutdown"))


def _variants(env: dict[str, object], cut: float, flip: int) -> list[bytes]:
    """Four messages from one drawn envelope: whole, truncated, a byte flipped, wrapped badly."""
    body = json.dumps(env).encode()
    flipped = bytearray(body)
    flipped[flip % len(flipped)] ^= 0x55
    return [
        frame(body),
        frame(body[: int(len(body) * cut)]),
        frame(bytes(flipped)),
        frame(b"[" + body),
    ]


header_line = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b""))
garbage_headers = st.lists(header_line, min_size=1, max_size=4).map(
    lambda lines: b"\r\n".join(line or b"X" for line in lines) + b"\r\n\r\n"
)
bad_lengths = st.sampled_from([b"-5", b"abc", b"1e3", b"99999999999999999999", b""]).map(
    lambda n: b"Content-Length: " + n + b"\r\n\r\n"
)

messages = st.one_of(
    st.builds(_variants, envelopes, st.floats(0, 0.95), st.integers(0, 1000)),
    st.binary(max_size=64).map(lambda b: [frame(b), frame(b[:-1] + b"}")]),
    garbage_headers.map(lambda g: [g]),
    bad_lengths.map(lambda g: [g]),
)

SENT = {"messages": 0}


@pytest.fixture(scope="module")
def client() -> Iterator[RpcClient]:
    proc, rpc = start_stdio()
    yield rpc
    proc.kill()
    proc.wait()


def _batch_test(rpc: RpcClient) -> None:
    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(draws=st.lists(messages, min_size=PER_BATCH, max_size=PER_BATCH), big=st.booleans())
    def run(draws: list[list[bytes]], big: bool) -> None:
        batch = [message for draw in draws for message in draw]
        data = b"".join(batch)
        if big:
            data += b"Content-Length: %d\r\n\r\n" % OVERSIZED + b"x" * OVERSIZED
        rpc.write(data)
        SENT["messages"] += len(batch) + int(big)
        probe = rpc.call("codegen/languages", timeout=120)
        assert any(lang["name"] == "python" for lang in probe["result"])
        rpc.seen.clear()  # the error replies to the batch

    run()


def test_server_survives_ten_thousand_bad_messages(client: RpcClient) -> None:
    _batch_test(client)
    assert SENT["messages"] >= 10_000
    ok = client.call("codegen/validate", {"language": "python", "code": "x = 1\n"})
    assert ok["result"]["valid"] is True


FRAMING_ATTACKS = {
    "negative length": b"Content-Length: -5\r\n\r\n{}",
    "non-numeric length": b"Content-Length: 12a\r\n\r\n{}",
    "missing length": b"Content-Type: application/json\r\n\r\n{}",
    "huge length": b"Content-Length: 9999999999999\r\n\r\n{}",
    "too many headers": b"X-Pad: 1\r\n" * 100 + b"\r\n",
    "no colon": b"this is not a header\r\n\r\n",
    "over-long header line": b"X-Long: " + b"y" * 100_000 + b"\r\n\r\n",
    "length too short": frame({"jsonrpc": "2.0", "method": "initialized"})[:-5] + b"\r\n",
    "length too long": b"Content-Length: 60\r\n\r\n{}",
}


@pytest.mark.parametrize("attack", FRAMING_ATTACKS)
def test_after_a_framing_attack_every_valid_request_is_answered(
    client: RpcClient, attack: str
) -> None:
    """The stream stays in step: each of 20 valid requests after the bad bytes gets its own
    answer (the 'length too long' attack may swallow the first one, and only that one)."""
    client.seen.clear()
    valid = [
        {"jsonrpc": "2.0", "id": f"{attack}-{i}", "method": "codegen/validate",
         "params": {"language": "python", "code": f"x = {i}\n"}}
        for i in range(20)
    ]  # fmt: skip
    client.write(FRAMING_ATTACKS[attack] + b"".join(frame(v) for v in valid))
    lost = 1 if attack == "length too long" else 0
    for message in valid[lost:]:
        reply = client.reply(message["id"], timeout=60)
        assert reply["result"]["valid"] is True, (attack, reply)
