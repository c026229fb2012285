"""Work off the UI thread: results and errors come back on the UI thread; Cancel stops cooperative work."""
from __future__ import annotations

import threading
import time

from app.errors import InputRejected
from tests.ui.conftest import wait_tasks
from ui.shell import dialogs, tasks


def test_success_runs_on_a_worker_and_calls_back_on_the_ui_thread(qtbot):
    seen: dict[str, object] = {}
    ui_thread = threading.current_thread()

    def work(p: tasks.Progress) -> int:
        seen["worker"] = threading.current_thread()
        p.report(1, 2, "一半")
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback"] = threading.current_thread()

    tasks.run_task(None, work, done)
    wait_tasks(qtbot)
    assert seen["result"] == 42 and seen["worker"] is not ui_thread and seen["callback"] is ui_thread


def test_user_errors_become_a_message_and_cancel_is_silent(qtbot):
    dialogs.preanswer(None)
    tasks.run_task(None, lambda _p: (_ for _ in ()).throw(InputRejected("文件不是 Excel 表格。")))
    wait_tasks(qtbot)
    assert dialogs.shown[-1].kind == "error" and dialogs.shown[-1].text == "文件不是 Excel 表格。"

    called: list[object] = []

    def slow(p: tasks.Progress) -> str:
        for _ in range(500):
            p.check()
            time.sleep(0.01)
        return "finished"

    task = tasks.run_task(None, slow, called.append, called.append, cancellable=True)
    task.progress.cancel()
    wait_tasks(qtbot)
    assert called == [] and len(dialogs.shown) == 1


def test_garbage_is_collected_by_the_ui_thread_not_automatically(qtbot):
    """setup_app turns automatic collection off (it could run on a worker or inside a Qt destructor) and the UI
    thread's timer collects: a reference cycle is freed once the event loop runs."""
    import gc
    import weakref

    from ui.shell.tasks import _collect

    assert not gc.isenabled()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a          # a cycle: only the collector frees it
    gone = weakref.ref(a)
    del a, b
    for _ in range(gc.get_threshold()[0] + 10):   # allocations past the threshold, as real work makes them
        _ = [object()]
    garbage_kept = [[] for _ in range(gc.get_threshold()[0] + 10)]
    _collect()
    qtbot.waitUntil(lambda: gone() is None, timeout=3000)
    del garbage_kept
