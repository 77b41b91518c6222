"""Classroom mode: the kit on a real JupyterHub (``python -m course classroom serve``).

names.py      display name → safe Unix/hub account, PIN rules
store.py      the service's SQLite state (trainees, PINs, events, submissions)
auth.py       class code + personal PIN login (trainer = hub admin)
spawner.py    one Unix account per trainee, home provisioned from the trainee bundle
hubconfig.py  the JupyterHub configuration (proxy, services, roles, culler)
service.py    the hub-managed service: events, submissions, dashboard, progress JSON, grading
events.py     kernel side: check() reports in the background; submit.py: 「交作业」
simulate.py   N trainees through the real hub (test tool and load benchmark)
"""
