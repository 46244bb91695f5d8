"""The plans part of the Krông Bông demo: Kế hoạch 145-KH/HU and its cascade, with demo progress.

The plan file ``apps/plans/demo/145-KH-HU.yaml`` is loaded through the same import
as a user's file (its header says what is real and what is demo). Then a few demo
facts, all flagged ``is_demo`` and worded as demo data, give the pages something to
show: progress reports and completions of commune tasks, a supervision visit with
a recommendation, an obstacle. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from apps.accounts.audit import audit_context
from apps.organisations.models import Organisation
from apps.plans import services
from apps.plans.importing import import_plan
from apps.plans.models import Document, Inspection, Obstacle, ProgressUpdate, Task

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "145-KH-HU.yaml"
PLAN = "145-KH/HU"
DEMO = "(dữ liệu demo)"

# (task code, date, report, percent, completes the task)
PROGRESS = [
    ("T4.24454", dt.date(2026, 3, 15), "Đã rà soát các chi hội thôn, buôn; lập danh sách.", 40, False),
    ("T4.24454", dt.date(2026, 5, 20), "Đã kiện toàn ban chấp hành và các chi hội thôn, buôn.", 100, True),
    ("T4.24481", dt.date(2026, 6, 10), "Đã kiện toàn 4 trên 8 chi hội thôn, buôn.", 50, False),
    ("T5.24454", dt.date(2026, 10, 5), "Đã tổ chức tuyên truyền tại các thôn, buôn.", 100, True),
    ("T8-2026Q1", dt.date(2026, 3, 28), "Báo cáo quý I.", 100, True),
    ("T8-2026Q2", dt.date(2026, 6, 29), "Báo cáo quý II.", 100, True),
    ("T8-2026Q3", dt.date(2026, 10, 8), "Báo cáo quý III.", 100, True),
]


def _progress(document: Document) -> int:
    added = 0
    codes = {code for code, *_rest in PROGRESS}
    tasks = {task.code: task for task in Task.objects.filter(document=document, code__in=codes)}
    for code, on, text, percent, completes in PROGRESS:
        task = tasks.get(code)
        if task is None:
            continue
        text = f"{text} {DEMO}"
        if ProgressUpdate.objects.filter(task=task, on=on, text=text).exists():
            continue
        services.report_progress(None, task, on=on, text=text, percent=percent, completed=completes,
                                 is_demo=True)
        added += 1
    return added


def _supervision(document: Document) -> int:
    subject = Organisation.objects.filter(name="Hội Khuyến học xã Hòa Sơn").first()
    front = Organisation.objects.filter(name="Ủy ban nhân dân xã Hòa Sơn").first()
    if subject is None or Inspection.objects.filter(subject=subject, is_demo=True).exists():
        return 0
    visit = services.record_inspection(
        None, subject=subject, date=dt.date(2026, 9, 15), kind="supervision", document=document,
        team=f"Đoàn giám sát của Hội Khuyến học tỉnh Đắk Lắk {DEMO}",
        findings=f"Một số chi hội thôn, buôn chưa được kiện toàn; sổ sách hội viên chưa cập nhật. {DEMO}",
        is_demo=True,
    )
    services.add_recommendation(None, visit, text=f"Hoàn thành kiện toàn các chi hội còn lại. {DEMO}",
                                deadline=dt.date(2026, 12, 15), code="KT-HS-1", is_demo=True)
    if front is not None:
        obstacle = services.raise_obstacle(
            None, raised_by=subject, raised_on=dt.date(2026, 8, 1), is_demo=True,
            description=f"Thiếu kinh phí hoạt động cho các chi hội thôn, buôn. {DEMO}",
            task=Task.objects.filter(document=document, code="T4.24481").first(),
        )
        services.escalate_obstacle(None, obstacle, to=front, on=dt.date(2026, 8, 10))
    return 1


def load() -> list[str]:
    """Load (or complete) the plans demo; returns the lines ``manage.py demo`` prints."""
    if not Organisation.objects.filter(name="Ủy ban nhân dân huyện Krông Bông").exists():
        return ["plans: skipped (the Krông Bông demo organisations are missing)"]
    with audit_context(actor="demo", source="manage.py demo"):
        result = import_plan(DEMO_FILE, is_demo=True)
        added = _progress(result.document)
        visits = _supervision(result.document)
    tasks = Task.objects.filter(document=result.document).count()
    return [
        f"plans: {PLAN} with {result.document.targets.count()} targets and {tasks} tasks "
        f"({result.created['tasks']} new), {Document.objects.filter(is_demo=True).count()} documents; "
        f"demo progress reports added: {added}; supervision visits added: {visits}; "
        f"open obstacles: {Obstacle.objects.filter(is_demo=True, resolved_on__isnull=True).count()}",
    ]
