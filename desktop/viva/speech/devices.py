"""Audio devices as plain values, and name/index resolution with clear errors.

``sounddevice`` is imported lazily: PortAudio lists devices once, when it is initialised, so
importing it before the sound server is up leaves an empty list. :func:`rescan` re-initialises it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from viva.speech.errors import MicrophoneUnavailable, OutputUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AudioDevice:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class DeviceList:
    inputs: tuple[AudioDevice, ...]
    outputs: tuple[AudioDevice, ...]

    @property
    def default_input(self) -> AudioDevice | None:
        fallback = self.inputs[0] if self.inputs else None
        return next((d for d in self.inputs if d.is_default), fallback)

    @property
    def default_output(self) -> AudioDevice | None:
        return next(
            (d for d in self.outputs if d.is_default), self.outputs[0] if self.outputs else None
        )


def _sd(sd_module: ModuleType | Any | None) -> Any:
    if sd_module is not None:
        return sd_module
    import sounddevice

    return sounddevice


def rescan(sd_module: ModuleType | Any | None = None) -> None:
    """Make PortAudio list the devices again (it only lists them once, at initialisation)."""
    sd = _sd(sd_module)
    terminate = getattr(sd, "_terminate", None)
    initialize = getattr(sd, "_initialize", None)
    if terminate is None or initialize is None:
        return
    try:
        terminate()
        initialize()
    except (OSError, RuntimeError) as exc:  # PortAudioError subclasses Exception; see below
        log.warning("could not re-scan audio devices: %s", exc)
    except sd.PortAudioError as exc:
        log.warning("could not re-scan audio devices: %s", exc)


def _default_indices(sd: Any) -> tuple[int, int]:
    try:
        dev = sd.default.device
        return int(dev[0]), int(dev[1])
    except (TypeError, ValueError, IndexError):
        return -1, -1


def list_devices(
    sd_module: ModuleType | Any | None = None, *, rescan_if_empty: bool = True
) -> DeviceList:
    """All input and output devices, the default ones marked. Never raises for 'no devices'."""
    sd = _sd(sd_module)
    try:
        raw = list(sd.query_devices())
    except sd.PortAudioError as exc:
        log.warning("querying audio devices failed: %s", exc)
        raw = []
    if not raw and rescan_if_empty:
        rescan(sd)
        try:
            raw = list(sd.query_devices())
        except sd.PortAudioError as exc:
            log.warning("querying audio devices failed after re-scan: %s", exc)
            raw = []
    default_in, default_out = _default_indices(sd)
    try:
        hostapis = [h["name"] for h in sd.query_hostapis()]
    except (sd.PortAudioError, TypeError, KeyError):
        hostapis = []
    inputs: list[AudioDevice] = []
    outputs: list[AudioDevice] = []
    for i, info in enumerate(raw):
        index = int(info.get("index", i))
        ha = int(info.get("hostapi", 0))
        device = AudioDevice(
            index=index,
            name=str(info["name"]),
            hostapi=hostapis[ha] if ha < len(hostapis) else str(ha),
            max_input_channels=int(info["max_input_channels"]),
            max_output_channels=int(info["max_output_channels"]),
            default_samplerate=float(info["default_samplerate"]),
            is_default=False,
        )
        if device.max_input_channels > 0:
            inputs.append(replace(device, is_default=index == default_in))
        if device.max_output_channels > 0:
            outputs.append(replace(device, is_default=index == default_out))
    return DeviceList(inputs=tuple(inputs), outputs=tuple(outputs))


def _resolve(
    choice: int | str | None, devices: tuple[AudioDevice, ...], kind: str
) -> AudioDevice | None:
    if not devices:
        return None
    if choice is None or choice == "":
        return next((d for d in devices if d.is_default), devices[0])
    if isinstance(choice, int) or (isinstance(choice, str) and choice.strip().isdigit()):
        idx = int(choice)
        return next((d for d in devices if d.index == idx), None)
    wanted = str(choice).strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in devices if wanted in d.name.lower()]
    return partial[0] if partial else None


def _find(
    choice: int | str | None,
    devices: tuple[AudioDevice, ...],
    kind: str,
    error: type[MicrophoneUnavailable] | type[OutputUnavailable],
    label: str,
) -> AudioDevice:
    dev = _resolve(choice, devices, kind)
    if dev is not None:
        return dev
    if not devices:
        raise error(detail=f"no {kind} devices")
    names = ", ".join(d.name for d in devices)
    raise error(
        f"The {label} {choice!r} was not found. Choose one of: {names} (Settings).",
        detail=f"{kind} {choice!r} not found",
    )


def find_input(choice: int | str | None, sd_module: ModuleType | Any | None = None) -> AudioDevice:
    """The input device for a name (exact or substring), an index, or None (the default)."""
    devices = list_devices(sd_module).inputs
    return _find(choice, devices, "input", MicrophoneUnavailable, "microphone")


def find_output(choice: int | str | None, sd_module: ModuleType | Any | None = None) -> AudioDevice:
    """The output device for a name, an index, or None (the default)."""
    devices = list_devices(sd_module).outputs
    return _find(choice, devices, "output", OutputUnavailable, "speaker")
