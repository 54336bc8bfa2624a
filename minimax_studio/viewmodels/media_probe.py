"""Moved to ``core.media_probe`` (it never needed Qt, and batch sheets check files with it
before anything is sent); kept here so the forms' imports stay as they were."""

from minimax_studio.core.media_probe import (
    MediaInfo,
    ProbeError,
    describe_unknown,
    probe,
    sniff,
)

__all__ = ["MediaInfo", "ProbeError", "describe_unknown", "probe", "sniff"]
