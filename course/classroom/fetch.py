"""A trainee server on Kubernetes fetches its own variant's exercises at first start.

The trainee image bakes one bundle for everybody (variant 0); every variant's exercises together
would hand each trainee the neighbours' answers. So deploy/start-trainee.sh, on the first start of
a home, asks the classroom service for this trainee's exercises (``GET api/my-exercises``, with the
server's own hub token: the service takes the identity from the token and the variant from the
class, never from the request) and writes them over the baked copies. If the service cannot be
reached, the baked exercises stay and the server starts all the same (the store then still says
variant 0 for this trainee, so grading agrees with what they have).

    python -m course.classroom.fetch HOME
"""
from __future__ import annotations

import io
import os
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from course.core.i18n import t

ENDPOINT = "api/my-exercises"
MAX_BYTES = 50 * 2**20


def safe_name(name: str) -> bool:
    """Only ``exercises/<file>.ipynb``: nothing a zip could use to write elsewhere in the home."""
    path = PurePosixPath(name)
    return len(path.parts) == 2 and path.parts[0] == "exercises" and path.suffix == ".ipynb" and \
        not path.name.startswith(".") and ".." not in path.parts and "\\" not in name


def unpack(data: bytes, home: Path) -> list[str]:
    """Write the exercise files of the zip into ``home``; refuse the whole zip if any name is not one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if not names or not all(safe_name(n) for n in names):
            raise ValueError("unexpected file names in the exercises zip")
        files = [(name, archive.read(name)) for name in names]
    for name, content in files:
        target = home / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(content)
        os.replace(partial, target)  # a restart mid-way never leaves half a notebook
    return names


def fetch(home: Path, url: str, token: str, timeout: float = 30) -> int:
    """Download and write this trainee's exercises; return their variant. Raises OSError/ValueError."""
    request = urllib.request.Request(f"{url.rstrip('/')}/{ENDPOINT}", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        data = answer.read(MAX_BYTES + 1)
        variant = int(answer.headers.get("X-Course-Variant", "0"))
    if len(data) > MAX_BYTES:
        raise ValueError("the exercises zip is too large")
    unpack(data, home)
    return variant


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    home = Path(args[0] if args else os.environ.get("HOME", "."))
    url, token = os.environ.get("COURSE_CLASSROOM_URL", ""), os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not url or not token:
        print(t("classroom.fetch_skipped"), file=sys.stderr)
        return 0
    try:
        variant = fetch(home, url, token)
    except (OSError, ValueError, zipfile.BadZipFile) as error:  # HTTPError and URLError are OSErrors
        print(t("classroom.fetch_failed", error=str(error)), file=sys.stderr)
        return 0  # the server still starts, with the baked variant-0 exercises
    print(t("classroom.fetch_done", variant=variant), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
