"""Uploads into the data folder: files side by side, .zip archives unpacked safely."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

import pytest

from index import intake
from index.intake import extract_zip, take_uploads

pytestmark = pytest.mark.unit


def make_zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def reasons(result: intake.Intake) -> dict[str, str]:
    return {
        item.path.split(":", 1)[1] if ":" in item.path else item.path: item.reason for item in result.skipped
    }


def test_a_zip_unpacks_its_folders_and_refuses_what_could_escape(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "wire feed.zip",
        {
            "2017/astana.txt": b"Talks in Astana begin on Monday.",
            "2017/astana.txt.meta.json": b'{"source": "AFP"}',
            "top.md": b"# Title\n\nBody.",
            "../escape.txt": b"outside",
            "/etc/absolute.txt": b"absolute",
            "C:/windows.txt": b"drive",
            "inner.zip": b"PK",
            "__MACOSX/2017/._astana.txt": b"fork",
            ".hidden/notes.txt": b"hidden",
        },
        links={"link.txt": "/etc/passwd"},
    )
    target = tmp_path / "uploads" / "wire_feed"
    result = take_uploads([archive], tmp_path / "uploads", max_file_mb=1)

    assert result.paths == [target.resolve()] and result.files == 3
    assert (target / "2017" / "astana.txt").read_bytes() == b"Talks in Astana begin on Monday."
    assert (target / "2017" / "astana.txt.meta.json").exists() and (target / "top.md").exists()
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        "uploads/wire_feed/2017/astana.txt",
        "uploads/wire_feed/2017/astana.txt.meta.json",
        "uploads/wire_feed/top.md",
        "wire feed.zip",
    ]
    why = reasons(result)
    assert set(why) == {"../escape.txt", "/etc/absolute.txt", "C:/windows.txt", "inner.zip", "link.txt"}
    assert "leaves" in why["../escape.txt"] and "leaves" in why["/etc/absolute.txt"]
    assert "symbolic link" in why["link.txt"] and "archive inside an archive" in why["inner.zip"]


def test_zip_size_limits_per_member_and_in_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_zip(
        tmp_path / "big.zip",
        {"a.txt": b"a" * 3000, "b.txt": b"b" * 500, "c.txt": b"c" * 500, "d.txt": b"d" * 500},
    )
    monkeypatch.setattr(intake, "ZIP_MAX_BYTES", 1200)
    result = extract_zip(archive, tmp_path / "out", max_file_mb=2000 / 1024 / 1024)
    why = reasons(result)
    assert "larger than" in why["a.txt"]  # over the per-file limit (ingest.max_file_mb)
    assert "split it" in why["d.txt"]  # b and c fit in 1,200 bytes, d would not
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b.txt", "c.txt"]


def test_a_member_whose_header_lies_about_its_size_is_left_out_and_removed(tmp_path: Path) -> None:
    """A zip bomb declares a small size; the real data fails the size and checksum check."""
    archive = make_zip(tmp_path / "bomb.zip", {"bomb.txt": b"0" * 50_000, "ok.txt": b"fine"})
    data = bytearray(archive.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)  # uncompressed size in the local header
    struct.pack_into("<I", data, central + 24, 100)  # and in the central directory
    archive.write_bytes(bytes(data))
    result = extract_zip(archive, tmp_path / "out", max_file_mb=1)
    assert "cannot be unpacked" in reasons(result)["bomb.txt"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["ok.txt"]


def test_a_broken_zip_is_reported_not_raised(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip at all")
    result = take_uploads([broken], tmp_path / "uploads", max_file_mb=1)
    assert result.paths == [] and "not a readable .zip" in result.skipped[0].reason


def test_plain_files_land_side_by_side_with_stable_names(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "report.txt").write_text("first", encoding="utf-8")
    (two / "report.txt").write_text("second", encoding="utf-8")
    (one / "report.txt.meta.json").write_text('{"source": "AP"}', encoding="utf-8")
    (one / ".DS_Store").write_bytes(b"\0")
    (one / "odd name!.md").write_text("# odd", encoding="utf-8")
    uploads = tmp_path / "uploads"
    files = [one / "report.txt", one / "report.txt.meta.json", two / "report.txt", one / ".DS_Store"]
    result = take_uploads([*files, one / "odd name!.md"], uploads, max_file_mb=1)

    names = sorted(p.name for p in uploads.iterdir())
    assert len(names) == 4 and "report.txt" in names and "report.txt.meta.json" in names
    assert "odd_name_.md" in names and ".DS_Store" not in names
    renamed = next(name for name in names if name.startswith("report~"))
    assert (uploads / renamed).read_text() == "second" and (uploads / "report.txt").read_text() == "first"
    # the same upload again lands on the same names, so re-indexing sees nothing new
    again = take_uploads([*files, one / "odd name!.md"], uploads, max_file_mb=1)
    assert sorted(again.paths) == sorted(result.paths) and len(list(uploads.iterdir())) == 4


def test_a_file_uploaded_again_replaces_its_copy_and_a_hidden_one_is_named(tmp_path: Path) -> None:
    incoming = tmp_path / "gradio-cache" / "abc123"
    incoming.mkdir(parents=True)
    article = incoming / "Town report (v1).txt"
    article.write_text("Population 1,234.")
    uploads = tmp_path / "data" / "uploads"
    [copy] = take_uploads([article], uploads, max_file_mb=1).paths
    assert copy == (uploads / "Town_report_v1_.txt").resolve()
    article.write_text("Population 2,345.")
    [again] = take_uploads([article], uploads, max_file_mb=1).paths
    assert again == copy and again.read_text() == "Population 2,345."
    hidden = incoming / ".profile"
    hidden.write_text("x")
    refused = take_uploads([hidden], uploads, max_file_mb=1)
    assert refused.paths == [] and [(s.path, s.reason) for s in refused.skipped] == [
        (".profile", "hidden file; passed over")
    ]


def test_a_file_gone_from_the_upload_cache_is_named_and_the_others_still_come_in(tmp_path: Path) -> None:
    incoming = tmp_path / "gradio-cache"
    incoming.mkdir()
    kept = incoming / "kept.txt"
    kept.write_text("Kept article.")
    gone = incoming / "gone.txt"  # the web server cleaned it up before the copy
    result = take_uploads([gone, kept], tmp_path / "uploads", max_file_mb=1)
    assert [p.name for p in result.paths] == ["kept.txt"] and result.files == 1
    [skip] = result.skipped
    assert skip.path == "gone.txt" and skip.reason.startswith("could not be copied into the archive")
