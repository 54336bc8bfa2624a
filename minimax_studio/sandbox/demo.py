"""Earlier work on the demo account, so a fresh app on the sandbox has something in every
list (like a Hailuo account that was used on the website before)."""

from __future__ import annotations

from .core import Core
from .ids import composite
from .media import clip_for, image_size
from .state import MediaJob

_VIDEOS = [("A paper boat drifting down a rainy street, cinematic", "T2V-01", "16:9"),
           ("A lighthouse at dusk, waves crashing, vertical", "Seedance-2.0", "9:16")]
_IMAGES = [("A cozy reading nook with warm light", "image-01", "1:1"),
           ("Retro poster of a robot gardener", "nano-banana-2", "16:9")]


def add_demo_history(core: Core, account: str) -> None:
    user = core.state.user
    base = core.clock.now() - 3 * 86400
    for i, (prompt, model, aspect) in enumerate(_VIDEOS + _IMAGES):
        kind = "video" if i < len(_VIDEOS) else "image"
        created = base + i * 3600
        hid = core.ids.hailuo_id(created)
        if kind == "video":
            clip = clip_for(aspect)
            w, h, media = clip.width, clip.height, clip.name
        else:
            w, h = image_size(aspect)
            media = "png"
        job = MediaJob(kind=kind, hailuo_id=hid, composite_id=composite(user, account, kind, hid),
                       account=account, user=user, model=model, prompt=prompt,
                       request={"prompt": prompt, "model": model}, created=created,
                       queue_s=5, run_s=60, aspect=aspect, width=w, height=h, media_name=media,
                       tracked=False, settled=True, batch_id=hid,
                       file_id=composite(user, account, "file", hid) if kind == "image" else "")
        core.state.jobs[job.composite_id] = job
    core.dirty = True


def add_character(core: Core, account: str) -> str:
    """A saved "My Characters" entry (GET videos/characters) backed by a real PNG."""
    from .media import render_image

    data = render_image("Character: Mira, front-facing portrait", 384, 512, "png", "character")
    hid = core.ids.hailuo_id(core.clock.now())
    disk_name = f"upload-{hid}.png"
    (core.files_dir / disk_name).write_bytes(data)
    up = core.new_upload(account, core.state.user, "image/png", len(data), disk_name, hid)
    core.state.accounts[account].character_file_ids.append(up.file_id)
    return up.file_id
