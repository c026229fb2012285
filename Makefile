# 心桥 XinQiao — set-up, run and test. Needs only Python 3.11+ on the machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all lint typecheck bench screenshots dist clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

BUILD_STAMP := $(VENV)/.installed-build

$(BUILD_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[build]'
	touch $(BUILD_STAMP)

run: $(STAMP)
	$(BIN)/python main.py --demo

# Two pytest-xdist workers: what a CI machine has (2 cores), and the suite waits a lot (child processes, Qt
# timers), so two keep both cores busy. `make test TEST_JOBS=4` on a bigger machine; TEST_JOBS=0 runs in one process.
TEST_JOBS ?= 2

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist worksteal

test-all: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist worksteal -m ''

lint: $(STAMP)
	$(BIN)/ruff check app ui tests bench main.py
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run_all

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots docs/screenshots

# The frozen one-folder build: dist/xinqiao/xinqiao (installer/xinqiao.spec), then its own self-test.
dist: $(BUILD_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller installer/xinqiao.spec
	QT_QPA_PLATFORM=offscreen dist/xinqiao/xinqiao --self-test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
