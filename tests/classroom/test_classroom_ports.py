"""Trainee servers get ports no kernel can take: below the system's ephemeral range (kernels bind
port 0, which the system only answers from that range), in turn, skipping a port in use."""
from __future__ import annotations

import socket

from course.classroom.spawner import ServerPorts, ephemeral_low


def test_ports_are_below_the_ephemeral_range_and_differ(tmp_path):
    ports = ServerPorts()
    taken = [ports.take() for _ in range(3)]
    assert all(port < ephemeral_low() for port in taken)
    assert len(set(taken)) == 3
    ranges = tmp_path / "ip_local_port_range"
    ranges.write_text("40000\t60999\n")
    assert ephemeral_low(ranges) == 40000


def test_a_port_in_use_is_skipped():
    ports = ServerPorts(span=3)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports.next))
        blocked = busy.getsockname()[1]
        assert blocked not in {ports.take() for _ in range(6)}
