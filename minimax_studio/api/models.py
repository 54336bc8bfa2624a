"""Response models for the useapi.net MiniMax API v1.

Field names are the API's own JSON keys (camelCase, snake_case where the API uses it) so
that ``model.videoId`` reads like the docs. Every model:

* allows unknown fields (``extra="allow"``; they land in ``model_extra``) - the service
  adds fields without notice;
* makes every field optional - the docs mark all of them optional;
* turns numbers into strings where a string is documented (agent ``extra`` values are all
  strings, ids are sometimes numeric);
* reads numbers that only decorate the UI (width, percent, credits ...) leniently: a value
  that is not a number becomes ``None`` instead of failing the whole answer.

``parse(model, data)`` is the only entry point used by the client: anything that does not
fit becomes a ``MalformedResponseError`` with a readable message.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

# The lenient types, the base model and the parsers: ``api.model_base`` (re-exported).
from .model_base import (
    APIModel,
    LenientBool,
    LenientFloat,
    LenientInt,
    Started,
    _lenient_list,
    parse,
    parse_list,
    parse_time,
)

# --- status codes -----------------------------------------------------------------------


class MediaStatus(IntEnum):
    """Hailuo's numeric ``status`` of a video or image (videos.md)."""

    PENDING = 0
    PROCESSING = 1
    COMPLETED = 2
    FAILED = 3
    MODERATED = 5
    MODERATED_7 = 7
    QUEUED = 11
    PROCESSING_12 = 12
    MODERATED_14 = 14

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    @property
    def is_success(self) -> bool:
        return self is MediaStatus.COMPLETED

    @property
    def is_moderated(self) -> bool:
        return self in _MODERATED

    @classmethod
    def of(cls, code: Any) -> MediaStatus | None:
        """The known status for ``code``, or None for codes the docs do not list."""
        try:
            return cls(int(code))
        except (TypeError, ValueError):
            return None


_LABELS = {
    MediaStatus.PENDING: "pending", MediaStatus.PROCESSING: "processing",
    MediaStatus.COMPLETED: "completed", MediaStatus.FAILED: "failed",
    MediaStatus.MODERATED: "moderated", MediaStatus.MODERATED_7: "moderated",
    MediaStatus.QUEUED: "queued", MediaStatus.PROCESSING_12: "processing",
    MediaStatus.MODERATED_14: "moderated",
}
_MODERATED = frozenset({MediaStatus.MODERATED, MediaStatus.MODERATED_7, MediaStatus.MODERATED_14})
_FINAL = frozenset({MediaStatus.COMPLETED, MediaStatus.FAILED}) | _MODERATED


# --- accounts ---------------------------------------------------------------------------


class JwtUser(APIModel):
    deviceID: str | None = None
    id: str | None = None
    isAnonymous: LenientBool = None
    name: str | None = None
    avatar: str | None = None


class Jwt(APIModel):
    token: str | None = None  # echoed masked by the service ("abc…secured…xyz")
    user: JwtUser | None = None
    exp: LenientFloat = None
    iat: LenientFloat = None
    host: str | None = None
    searchParams: str | None = None
    iat_Issued: str | None = None
    exp_Expire: str | None = None

    @property
    def expires_at(self) -> datetime | None:
        return parse_time(self.exp) or parse_time(self.exp_Expire)


class Account(APIModel):
    account: str | None = None
    jwt: Jwt | None = None
    maxJobs: LenientInt = None
    supportVideo: LenientBool = None
    supportChat: LenientBool = None
    supportAudio: LenientBool = None
    supportMusic: LenientBool = None
    #: Set by the service when the account's session is in error (useapi scripts skip it).
    error: Any = None


class CreditExpiry(APIModel):
    credit: LenientFloat = None
    endTime: LenientFloat = None


class ModelControl(APIModel):
    modelId: str | None = None
    videoCost: LenientFloat = None
    isMember: LenientBool = None
    freeCount: LenientInt = None


class Features(APIModel):
    privilegeType: LenientInt = None
    totalCredits: LenientFloat = None
    expireText: str | None = None
    videoCost: LenientFloat = None
    queueLength: LenientInt = None
    memberName: str | None = None
    memberText: str | None = None
    creditExpireText: Annotated[list[CreditExpiry], BeforeValidator(_lenient_list)] = Field(default_factory=list)
    modelControl: Annotated[list[ModelControl], BeforeValidator(_lenient_list)] = Field(default_factory=list)


# --- files --------------------------------------------------------------------------------


class UploadedFile(APIModel):
    ossPath: str | None = None
    fileID: str | None = None


class FileInfo(APIModel):
    file_id: str | None = None
    file_name: str | None = None
    file_type: str | None = None
    cdn_url: str | None = None
    oss_path: str | None = None
    file_scene: LenientInt = None
    file_status: LenientInt = None


# --- videos and images -----------------------------------------------------------------


class OriginFile(APIModel):
    id: str | None = None
    url: str | None = None
    type: str | None = None


class _Media(APIModel):
    """Fields shared by videos and images (images reuse Hailuo's video record)."""

    id: str | None = None
    desc: str | None = None
    coverURL: str | None = None
    videoURL: str | None = None
    downloadURL: str | None = None
    #: Kept as a plain int: codes the docs do not list must not break parsing.
    status: int | None = None
    statusLabel: str | None = None
    statusFinal: bool | None = None
    message: str | None = None
    percent: LenientFloat = None
    width: LenientInt = None
    height: LenientInt = None
    originFiles: Annotated[list[OriginFile], BeforeValidator(_lenient_list)] = Field(default_factory=list)
    canAppeal: LenientBool = None
    canRetry: LenientBool = None
    createTime: LenientFloat = None
    modelID: str | None = None
    aspectRatio: str | None = None

    @property
    def media_status(self) -> MediaStatus | None:
        return MediaStatus.of(self.status)

    @property
    def is_final(self) -> bool:
        """``statusFinal`` when the service sent it, else derived from ``status``."""
        if self.statusFinal is not None:
            return self.statusFinal
        ms = self.media_status
        return ms.is_final if ms is not None else False

    @property
    def is_success(self) -> bool:
        return self.status == MediaStatus.COMPLETED

    @property
    def is_moderated(self) -> bool:
        ms = self.media_status
        return bool(ms and ms.is_moderated) or (self.statusLabel or "").lower() == "moderated"

    @property
    def best_url(self) -> str | None:
        """Prefer the watermark-free ``downloadURL`` (paid plans), else ``videoURL``."""
        return self.downloadURL or self.videoURL or None

    @property
    def created_at(self) -> datetime | None:
        return parse_time(self.createTime)


class Video(_Media):
    videoId: str | None = None


class VideoCreated(APIModel):
    videoId: str | None = None
    id: str | None = None
    replyUrl: str | None = None
    replyRef: str | None = None


class Image(_Media):
    imageId: str | None = None
    #: A file id of this image, usable as ``fileID`` in videos/create.
    fileID: str | None = None
    batchID: str | None = None
    userIDStr: str | None = None
    videoURLs: dict[str, Any] | None = None


class ImagesCreated(APIModel):
    imageIds: Annotated[list[str], BeforeValidator(_lenient_list)] = Field(default_factory=list)
    replyRef: str | None = None


class CharacterFile(APIModel):
    fileID: str | None = None
    cdnUrl: str | None = None
    promptImgUrl: str | None = None


class Character(APIModel):
    characterID: str | None = None
    characterType: LenientInt = None
    file: CharacterFile | None = None


class TemplateAsset(_Media):
    title: str | None = None
    duration: LenientFloat = None
    agentTemplateID: str | None = None
    agentTemplateName: str | None = None


class AgentTemplate(APIModel):
    id: str | None = None
    createTime: LenientFloat = None
    videoAsset: TemplateAsset | None = None
    cardType: LenientInt = None
    tabID: str | None = None
    #: Only in the single-template answer (``templateId=``); its shape is not captured.
    inputs: Any = None


class AgentTemplates(APIModel):
    videoList: Annotated[list[AgentTemplate], BeforeValidator(_lenient_list)] = Field(default_factory=list)


# --- scheduler ----------------------------------------------------------------------------


class SchedulerEntry(APIModel):
    videoId: str | None = None
    imageId: str | None = None
    started: Started = None
    elapsed: str | None = None
    replyUrl: str | None = None
    replyRef: str | None = None

    @property
    def job_id(self) -> str | None:
        return self.videoId or self.imageId

    @property
    def is_video(self) -> bool:
        # The docs' example puts an image id in ``videoId``; the id itself tells.
        return "-video:" in (self.job_id or "")

    @property
    def started_at(self) -> datetime | None:
        return parse_time(self.started)


class AccountCapacity(APIModel):
    account: str | None = None
    maxJobs: LenientInt = None
    executing: LenientInt = None
    available: LenientInt = None
    executingAudio: LenientInt = None


class Availability(APIModel):
    executing: Annotated[list[SchedulerEntry], BeforeValidator(_lenient_list)] = Field(default_factory=list)
    available: Annotated[list[AccountCapacity], BeforeValidator(_lenient_list)] = Field(default_factory=list)


# --- agent ----------------------------------------------------------------------------------


class AgentFileExtra(APIModel):
    # All documented values are strings, even numbers ("1280", "5.0").
    width: str | None = None
    height: str | None = None
    duration: str | None = None
    fps: str | None = None
    no_watermark_url: str | None = None
    watermark_url: str | None = None
    thumbnail_url: str | None = None
    url: str | None = None
    model_name: str | None = None
    model_aspect_ratio: str | None = None
    model_resolution: str | None = None
    format: str | None = None


class AgentFile(APIModel):
    fileName: str | None = None
    fileUrl: str | None = None
    type: str | None = None
    extra: AgentFileExtra | None = None
    posterUrl: str | None = None
    referenceType: LenientInt = None


class AgentNodeFile(APIModel):
    id: str | None = None
    name: str | None = None
    url: str | None = None
    noWatermarkUrl: str | None = None
    thumbnailUrl: str | None = None


class AgentNode(APIModel):
    nodeID: str | None = None
    agentFile: AgentNodeFile | None = None


class AgentAttachment(APIModel):
    attachmentID: str | None = None
    type: LenientInt = None  # 1 video, 2 image in the docs' example
    status: LenientInt = None  # 3 = completed
    file: AgentFile | None = None
    text: str | None = None
    node: AgentNode | None = None

    def url(self, *, prefer_clean: bool = True) -> str | None:
        """The one download-URL rule for an attachment, as agent.md's "Download guidance"
        puts it: ``file.extra.no_watermark_url`` is the clean file when present (the node's
        ``agentFile.noWatermarkUrl`` is its documented alternative); ``file.fileUrl`` is the
        primary URL (may carry a watermark); ``file.extra.watermark_url`` and the node's
        ``agentFile.url`` are the watermarked alternatives. ``prefer_clean=False`` (the
        engine's ``prefer_no_watermark`` off) skips the clean ones."""
        extra = self.file.extra if self.file else None
        node_file = self.node.agentFile if self.node else None
        clean = (extra.no_watermark_url if extra else None,
                 node_file.noWatermarkUrl if node_file else None)
        primary = (self.file.fileUrl if self.file else None,
                   extra.watermark_url if extra else None,
                   node_file.url if node_file else None)
        for candidate in (clean + primary if prefer_clean else primary):
            if candidate:
                return candidate
        return None

    @property
    def best_url(self) -> str | None:
        """The clean file first (see ``url``)."""
        return self.url(prefer_clean=True)

    @property
    def kind(self) -> str | None:
        """"video" / "image" / "audio" from the MIME type (or the numeric ``type``)."""
        mime = (self.file.type if self.file else None) or ""
        for kind in ("video", "image", "audio"):
            if mime.startswith(kind + "/"):
                return kind
        return {1: "video", 2: "image"}.get(self.type or -1)


class AgentResponse(APIModel):
    projectID: str | None = None
    sectionID: str | None = None
    chatID: str | None = None
    msg_content: str | None = None
    timestamp: LenientFloat = None
    elapsedTime: str | None = None
    attachments: Annotated[list[AgentAttachment], BeforeValidator(_lenient_list)] = Field(default_factory=list)


class AgentError(APIModel):
    message: str | None = None
    status: LenientInt = None


class AgentRequest(APIModel):
    prompt: str | None = None
    models: Any = None
    async_: LenientBool = Field(default=None, alias="async")
    replyUrl: str | None = None
    replyRef: str | None = None


class AgentJob(APIModel):
    jobId: str | None = None
    status: str | None = None  # "started" | "completed" | "failed"
    created: str | None = None
    code: LenientInt = None
    request: AgentRequest | None = None
    response: AgentResponse | None = None
    error: AgentError | str | None = None

    @property
    def is_final(self) -> bool:
        return (self.status or "").lower() in ("completed", "failed")

    @property
    def is_success(self) -> bool:
        return (self.status or "").lower() == "completed"

    @property
    def error_message(self) -> str | None:
        if isinstance(self.error, AgentError):
            return self.error.message
        return self.error

    @property
    def attachments(self) -> list[AgentAttachment]:
        return self.response.attachments if self.response else []

    @property
    def created_at(self) -> datetime | None:
        return parse_time(self.created)


class AgentRunning(APIModel):
    jobId: str | None = None
    elapsed: str | None = None


def _running_map(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


class AgentJobs(APIModel):
    accounts: Annotated[list[str], BeforeValidator(_lenient_list)] = Field(default_factory=list)
    summary: Annotated[dict[str, dict[str, Any]], BeforeValidator(_running_map)] = Field(default_factory=dict)
    executing: Annotated[dict[str, list[AgentRunning]], BeforeValidator(_running_map)] = Field(default_factory=dict)

    @property
    def running_ids(self) -> list[str]:
        return [r.jobId for runs in self.executing.values() for r in runs if r.jobId]


__all__ = [
    "Account", "AccountCapacity", "AgentAttachment", "AgentError", "AgentFile", "AgentFileExtra",
    "AgentJob", "AgentJobs", "AgentNode", "AgentRequest", "AgentResponse", "AgentRunning",
    "AgentTemplate", "AgentTemplates", "Availability", "Character", "CharacterFile",
    "CreditExpiry", "Features", "FileInfo", "Image", "ImagesCreated", "Jwt", "JwtUser",
    "MediaStatus", "ModelControl", "OriginFile", "SchedulerEntry", "TemplateAsset",
    "UploadedFile", "Video", "VideoCreated", "parse", "parse_list", "parse_time",
]
