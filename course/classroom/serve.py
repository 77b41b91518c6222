"""``python -m course classroom serve``: a real JupyterHub in the foreground (Ctrl+C stops it and
every trainee server)."""
from __future__ import annotations

import json
import os
import secrets
import socket
import sys

from course.classroom.hubconfig import HERE, SETTINGS_ENV, proxy_command
from course.classroom.provision import bundle_files
from course.classroom.store import Store
from course.classroom.variants import configure_class, prebuild, prepare
from course.classroom.walls import prepare_state, protect_checkout, running_as_root
from course.core.i18n import CourseError, t


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lan_addresses() -> list[str]:
    found = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the LAN route
            found.append(sock.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    return [a for a in dict.fromkeys(found) if not a.startswith("127.")] or ["127.0.0.1"]


def banner(urls: list[str], class_code: str, trainer_password: str, generated: bool) -> str:
    import io

    import segno

    lines = [t("classroom.banner_title")]
    for url in urls:
        lines.append(t("classroom.banner_join", url=url))
    buffer = io.StringIO()
    segno.make(urls[0], error="m").terminal(out=buffer, compact=True)
    lines.append(buffer.getvalue())
    lines.append(t("classroom.banner_code", code=class_code))
    lines.append(t("classroom.banner_trainer", url=urls[0], password=trainer_password))
    if generated:
        lines.append(t("classroom.banner_generated"))
    lines.append(t("classroom.banner_stop"))
    return "\n".join(lines)


def settings(args) -> tuple[dict, bool]:
    class_code = args.class_code or os.environ.get("COURSE_CLASS_CODE") or ""
    trainer_password = args.trainer_password or os.environ.get("COURSE_TRAINER_PASSWORD") or ""
    generated = not class_code or not trainer_password
    class_code = class_code or f"{secrets.randbelow(10**6):06d}"
    trainer_password = trainer_password or secrets.token_urlsafe(9)
    if len(class_code) < 4:
        raise CourseError("classroom.code_too_short")
    return {"ip": args.ip, "port": args.port, "state": str(args.state.resolve()), "hub_port": free_port(),
            "service_port": free_port(), "proxy_api_port": free_port(), "class_code": class_code,
            "trainer_password": trainer_password, "cull_after": args.cull_after}, generated


def mode_line(mode: str, variants: int) -> str:
    """The banner's line about the class: practice or assessment, and how many variants (0: one for all)."""
    count = t("classroom.banner_variants", variants=variants) if variants else t("classroom.banner_one_variant")
    return t(f"classroom.banner_mode_{mode}", variants=count)


def run(args) -> int:
    if not running_as_root():
        raise CourseError("classroom.need_root")
    try:
        proxy_command()
    except FileNotFoundError as missing:  # `make install` did not run
        raise CourseError("classroom.no_proxy", path=str(missing)) from None
    state = prepare_state(args.state)
    protect_checkout()
    config, generated = settings(args)
    chosen = configure_class(Store(state), args.variants, args.assessment)
    prepare(args.variants)  # every variant's reference answers before the first login
    # and every variant's exercise files, in this process (the hub runs in it below): a login copies
    bundle_files()
    prebuild(args.variants, chosen["mode"])
    host = args.ip if args.ip not in {"", "0.0.0.0"} else None
    urls = [f"http://{a}:{args.port}/" for a in ([host] if host else lan_addresses())]
    print(banner(urls, config["class_code"], config["trainer_password"], generated), flush=True)
    print(mode_line(chosen["mode"], chosen["variants"]), flush=True)
    os.environ[SETTINGS_ENV] = json.dumps(config)
    from jupyterhub.app import main as hub_main

    os.chdir(state / "hub")
    sys.argv = ["jupyterhub", "-f", str(HERE / "jupyterhub_config.py")]
    hub_main(argv=sys.argv[1:])
    return 0
