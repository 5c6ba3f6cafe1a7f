"""The native routes: generate, validate, repair, languages, health and metrics.

Positions are codegen's own (1-based lines, columns in code points), as ``codegen check
--json`` and ``codegen repair --json`` print them; ``/v1/generate`` answers the ``--json``
result object (``schemas/result.schema.json``), or the Assistant's events as SSE when the
client sends ``Accept: text/event-stream``.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from codegen import languages
from codegen.http import bodies, sse
from codegen.http.errors import ApiError, guarded
from codegen.http.jobs import while_connected
from codegen.http.service import Service
from codegen.repair.guided import GuidedOptions
from codegen.repair.pipeline import PipelineRepairer, RepairReport

VALIDATE_FIELDS = ("language", "code", "signature", "compile")
REPAIR_FIELDS = ("language", "code", "signature", "use_model")


def service(request: Request) -> Service:
    return cast(Service, request.app.state.service)


def client(request: Request) -> str | None:
    return cast(str | None, getattr(request.state, "client", None))


def wants_events(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "")


@guarded
async def healthz(request: Request) -> Response:
    svc = service(request)
    queue = {"waiting": svc.queue.waiting, "running": svc.queue.running}
    return JSONResponse(
        {"status": "ok", "model": svc.model, "queue": {**queue, "capacity": svc.queue.capacity}}
    )


@guarded
async def metrics(request: Request) -> Response:
    svc = service(request)
    return Response(svc.metrics.render(), media_type=svc.metrics.content_type)


@guarded
async def list_languages(request: Request) -> Response:
    svc = service(request)
    return JSONResponse(await svc.quick(svc.languages))


@guarded
async def generate(request: Request) -> Response:
    svc = service(request)
    gen_request = svc.request(await bodies.json_object(request))
    gen, position = await svc.generate(gen_request, client(request))
    if wants_events(request):
        return sse.response(sse.native(gen, position))
    result = await while_connected(request, gen.result(), gen.cancel)
    return JSONResponse(result.to_dict())


async def _code(
    request: Request, known: tuple[str, ...]
) -> tuple[dict[str, Any], str, str | None, str, str | None]:
    """(body, language, version, code, signature) of a validate or repair request."""
    body = await bodies.json_object(request)
    bodies.reject_unknown(body, known)
    spec = bodies.get(body, "language", str)
    if spec is None:
        raise ApiError(400, "language: required (e.g. python, python@3.8)", param="language")
    code = bodies.get(body, "code", str)
    if code is None:
        raise ApiError(400, "code: required, the code as a string", param="code")
    lang = languages.parse_language_spec(spec)
    return body, lang.name, lang.version, code, bodies.get(body, "signature", str)


@guarded
async def validate(request: Request) -> Response:
    svc = service(request)
    body, language, version, code, signature = await _code(request, VALIDATE_FIELDS)
    stages = svc.assistant.stages
    check = await svc.quick(stages.validator.validate, code, language, version, signature)
    report = check.to_dict()
    if bodies.get(body, "compile", bool, default=False) and check.parses:
        [verdict] = await svc.quick(stages.compiler.compile, [code], language, version)
        report.update(
            compiles=verdict.compiles,
            compiler=verdict.tool or None,
            compile_note=verdict.note,
            diagnostics=[*report["diagnostics"], *(d.to_dict() for d in verdict.diagnostics)],
        )
    return JSONResponse(report)


@guarded
async def repair(request: Request) -> Response:
    svc = service(request)
    body, language, version, code, signature = await _code(request, REPAIR_FIELDS)
    use_model = bool(bodies.get(body, "use_model", bool, default=False))
    repairer = svc.assistant.stages.repairer
    if not isinstance(repairer, PipelineRepairer):
        raise ApiError(501, "this server's repairer cannot repair code alone", code="unsupported")
    rounds = svc.settings.repair_rounds if use_model else 0
    options = GuidedOptions(rounds=rounds, model=svc.model)

    def run(cancel: threading.Event | None = None) -> RepairReport:
        return repairer.repair_code(code, language, version, signature, options, cancel)

    report = await (svc.on_model(request, run) if use_model else svc.quick(run))
    return JSONResponse({**report.to_dict(), "used_model": report.used_model})
