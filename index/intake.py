"""Bring uploaded files, folders and .zip archives into the data folder before indexing.

Uploads arrive in a temporary cache that the web server cleans up, while the index records
each article's path, so every upload is copied to ``<data_dir>/uploads`` first, under stable
names: uploading the same file again replaces the earlier copy, which the indexer then sees
as unchanged (or updated), never as a new article.

A .zip is untrusted input. It is read with :mod:`zipfile` and each member is written by this
module, never by ``extractall``: a member whose path is absolute or climbs out with ``..``,
a symbolic link, a nested archive or an oversized member is left out with its reason, and
extraction stops at :data:`ZIP_MAX_BYTES` of written data or :data:`ZIP_MAX_FILES` members,
counting the bytes actually decompressed (a member's declared size can lie).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rag.types import SkippedFile

ZIP_MAX_BYTES = 512 * 1024 * 1024
"""Total bytes one archive may unpack to."""
ZIP_MAX_FILES = 20_000
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
COPY_CHUNK = 1024 * 1024


@dataclass
class Intake:
    """What was placed in the uploads folder and what was refused, with reasons."""

    paths: list[Path] = field(default_factory=list)
    """Files and folders to index."""
    skipped: list[SkippedFile] = field(default_factory=list)
    files: int = 0
    """Files written."""


def safe_name(name: str, default: str = "upload.txt") -> str:
    """A file-system-safe version of one path component (no separators, no leading dot)."""
    return SAFE_NAME.sub("_", name).lstrip("._") or default


def take_uploads(uploads: Sequence[Path], folder: Path, *, max_file_mb: float) -> Intake:
    """Copy uploaded files into ``folder``, unpacking each .zip into a sub-folder of its own.

    A browser sends a chosen folder's files without their sub-folders, so they land side by
    side (a ``NAME.meta.json`` sidecar stays next to ``NAME``); two files of one upload with
    the same name are kept apart by a short hash of their content; a file uploaded again under its
    name replaces its earlier copy, which the indexer then sees as an updated article. Hidden
    files (``.DS_Store``) are passed over and named among the skipped.
    """
    folder.mkdir(parents=True, exist_ok=True)
    intake = Intake()
    taken: set[str] = set()
    for upload in uploads:
        if _hidden(upload.name):
            intake.skipped.append(SkippedFile(path=upload.name, reason="hidden file; passed over"))
            continue
        if upload.suffix.lower() == ".zip":
            target = folder / safe_name(upload.stem, "archive")
            _merge(intake, extract_zip(upload, target, max_file_mb=max_file_mb))
            continue
        try:
            target = _copy(upload, folder, taken)
        except OSError as error:  # vanished from the upload cache, unreadable, or the disk is full
            reason = f"could not be copied into the archive ({error.strerror or error})"
            intake.skipped.append(SkippedFile(path=upload.name, reason=reason))
            continue
        intake.paths.append(target.resolve())
        intake.files += 1
    return intake


def _copy(upload: Path, folder: Path, taken: set[str]) -> Path:
    """Copy one uploaded file into ``folder`` under a safe name not yet used by this upload."""
    name = safe_name(upload.name)
    if name in taken:
        digest = hashlib.sha1(upload.read_bytes()).hexdigest()[:8]
        stem, dot, suffix = name.partition(".")
        name = f"{stem}~{digest}{dot}{suffix}"
    target = folder / name
    shutil.copyfile(upload, target)
    taken.add(name)
    return target


def extract_zip(archive: Path, target: Path, *, max_file_mb: float) -> Intake:
    """Unpack ``archive`` into ``target`` safely (see the module notes)."""
    intake = Intake()
    name = archive.name
    try:
        zipped = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        intake.skipped.append(SkippedFile(path=name, reason=f"not a readable .zip file ({error})"))
        return intake
    member_limit = int(max_file_mb * 1024 * 1024)
    written = 0
    with zipped:
        target.mkdir(parents=True, exist_ok=True)
        for info in zipped.infolist():
            label = f"{name}:{info.filename}"
            if info.is_dir():
                continue
            if _hidden(info.filename):
                continue  # Finder's resource forks and hidden files are not articles
            parts = _safe_parts(info.filename)
            if parts is None:
                intake.skipped.append(SkippedFile(path=label, reason="path leaves the archive's folder"))
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                intake.skipped.append(SkippedFile(path=label, reason="symbolic link; not followed"))
                continue
            if info.filename.lower().endswith(".zip"):
                intake.skipped.append(
                    SkippedFile(
                        path=label, reason="archive inside an archive; unpack it and upload its files"
                    )
                )
                continue
            if info.file_size > member_limit:
                intake.skipped.append(
                    SkippedFile(path=label, reason=f"larger than {max_file_mb:g} MB (ingest.max_file_mb)")
                )
                continue
            if intake.files >= ZIP_MAX_FILES or written + info.file_size > ZIP_MAX_BYTES:
                intake.skipped.append(
                    SkippedFile(
                        path=label,
                        reason=f"the archive holds more than {ZIP_MAX_FILES} files or "
                        f"{ZIP_MAX_BYTES // 1024 // 1024} MB; split it",
                    )
                )
                break
            destination = target.joinpath(*parts)
            try:
                size = _copy_member(zipped, info, destination, min(member_limit, ZIP_MAX_BYTES - written))
            except _TooLarge:
                destination.unlink(missing_ok=True)
                intake.skipped.append(
                    SkippedFile(path=label, reason="unpacks to more than its declared size allows; left out")
                )
                continue
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
                destination.unlink(missing_ok=True)
                intake.skipped.append(SkippedFile(path=label, reason=f"cannot be unpacked ({error})"))
                continue
            written += size
            intake.files += 1
    if intake.files:
        intake.paths.append(target.resolve())
    return intake


class _TooLarge(Exception):
    pass


def _copy_member(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, limit: int) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with zipped.open(info) as source, destination.open("wb") as out:
        while block := source.read(COPY_CHUNK):
            size += len(block)
            if size > limit:
                raise _TooLarge
            out.write(block)
    return size


def _safe_parts(name: str) -> list[str] | None:
    """The components of a relative path inside an upload, or None when it is unsafe."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or re.match(r"^[A-Za-z]:", name):
        return None
    parts = [part for part in posix.parts if part not in ("", ".")]
    if not parts or any(part == ".." for part in parts):
        return None
    return [safe_name(part, "_") for part in parts]


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(part.startswith(".") and part not in (".", "..") for part in parts) or "__MACOSX" in parts


def _merge(into: Intake, other: Intake) -> None:
    into.paths.extend(other.paths)
    into.skipped.extend(other.skipped)
    into.files += other.files
