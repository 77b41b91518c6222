# The two commands a newcomer needs: `make lab` and `make test`. Everything else is for course staff.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=
LAB_ARGS ?=
# JupyterLab in Chinese, no news pop-up: project-level defaults (never the user's home)
LAB_SETTINGS := $(CURDIR)/course/trainer/lab_settings

.PHONY: help install lab test lint data assign doctor bench clean-venv sandbox classroom

help:
	@echo "新用户只需要两条命令："
	@echo "  make lab        建好环境（第一次）并打开 JupyterLab 的课程首页"
	@echo "  make test       运行全部测试（JOBS=2 个进程并行）"
	@echo "讲师命令（每条也可写成 python -m course …，见 README）："
	@echo "  make agenda DAYS=1|2   排议程（build/agenda-Nd.xlsx）"
	@echo "  make handouts          学员讲义、幻灯片、讲师版（build/handouts/）"
	@echo "  make book              离线自学手册（build/book/）"
	@echo "  make release           学员包（dist/学员包.zip）"
	@echo "  make forms             课后 Excel 表单（build/forms/）"
	@echo "  make app M=07-rfm      纯控件模式（ARGS=\"--no-browser --port 8899\"）"
	@echo "  make classroom         教室模式：JupyterHub + 班级码登录 + 实时看板（需 root）"
	@echo "维护命令："
	@echo "  make install | data | assign | doctor | lint | bench | clean-venv"

install: $(STAMP) sandbox $(CHP)

# classroom mode: configurable-http-proxy from npm, inside the project (never global); idempotent
$(CHP):
	@command -v npm >/dev/null || { echo "教室模式需要 Node.js 和 npm：sudo apt-get install -y nodejs npm"; exit 1; }
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@^5

# The grader runs trainee code in a bubblewrap sandbox (setpriv drops root first). Installed when
# we are root on Debian/Ubuntu; otherwise a hint (self-study does not need it).
sandbox:
	@if [ "$$(uname -s)" = Linux ] && ! { command -v bwrap && command -v setpriv; } >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap util-linux \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap util-linux; }; \
	  else \
	    echo "提示：讲师批改作业需要沙箱 bubblewrap，请运行 sudo apt-get install -y bubblewrap util-linux（学员自学可忽略）。"; \
	  fi; \
	fi

# Re-runs only when the package definition changes; safe to run again at any time.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	@touch $(STAMP)

lab: install
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks/00-start.ipynb \
	  --LabApp.app_settings_dir="$(LAB_SETTINGS)" $(LAB_ARGS)

# Two workers (these machines have 2 cores); one file per worker keeps a master's nbval cells,
# a hub fixture and a browser together.
JOBS ?= 2
test: install
	$(PY) -m pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check course tests benchmarks

# the classroom on JupyterHub (README 「教室模式」); needs root: one system account per trainee
CLASSROOM_ARGS ?=
classroom: install
	$(PY) -m course classroom serve $(CLASSROOM_ARGS)

data: install
	$(PY) -m course data

assign: install
	$(PY) -m course assign

doctor: install
	$(PY) -m course doctor

clean-venv:
	rm -rf $(VENV)

bench: install
	$(PY) benchmarks/grading.py
	$(PY) benchmarks/lesson_cells.py
	$(PY) benchmarks/widgets.py
	$(PY) benchmarks/analytics.py
	$(PY) benchmarks/door_calls.py
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/variants.py
	@if [ "$$(id -u)" = 0 ]; then $(PY) benchmarks/classroom.py; else echo "classroom.py 需要 root（每位学员一个系统账户），已跳过"; fi
	@if [ -f benchmarks/clv_vs_lifetimes.py ]; then \
	  $(PY) benchmarks/clv_vs_lifetimes.py || echo "clv_vs_lifetimes.py did not run: see its message above"; fi

# ---- trainer and reader deliverables (course/trainer/) ----
.PHONY: agenda handouts book release forms app
M ?= 07-rfm
DAYS ?= 2

agenda: install
	$(PY) -m course agenda --days $(DAYS) --format xlsx --out build/agenda-$(DAYS)d.xlsx

handouts: install
	$(PY) -m course handouts --out build/handouts

book: install
	$(PY) -m course book --out build/book

release: install
	$(PY) -m course release --out dist/学员包.zip

forms: install
	$(PY) -m course forms --out build/forms

app: install
	$(PY) -m course app $(M) $(ARGS)
