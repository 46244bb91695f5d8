"""Pages of the plans app: documents, targets, tasks, supervision, obstacles, scorecard, import."""

from django.urls import path

from apps.plans import views, views_authoring, views_reports, views_supervision

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("documents/new/", views_authoring.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/edit/", views_authoring.document_edit, name="document_edit"),
    path("documents/<int:pk>/targets/new/", views_authoring.target_create, name="target_create"),
    path("documents/<int:pk>/tasks/new/", views_authoring.task_create, name="task_create"),
    path("attachments/<int:pk>/", views_authoring.document_attachment, name="document_attachment"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/edit/", views_authoring.target_edit, name="target_edit"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views_authoring.task_edit, name="task_edit"),
    path("tasks/<int:pk>/cascade/", views_authoring.task_cascade, name="task_cascade"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/reopen/", views.task_reopen, name="task_reopen"),
    path("progress/<int:pk>/attachment/", views.progress_attachment, name="progress_attachment"),
    path("timeline/", views.timeline, name="timeline"),
    path("supervision/", views_supervision.inspection_list, name="inspections"),
    path("supervision/<int:pk>/", views_supervision.inspection_detail, name="inspection"),
    path("recommendations/<int:pk>/resolve/", views_supervision.recommendation_resolve,
         name="recommendation_resolve"),
    path("obstacles/", views_supervision.obstacle_list, name="obstacles"),
    path("obstacles/<int:pk>/", views_supervision.obstacle_detail, name="obstacle"),
    path("obstacles/<int:pk>/escalate/", views_supervision.obstacle_escalate, name="obstacle_escalate"),
    path("obstacles/<int:pk>/resolve/", views_supervision.obstacle_resolve, name="obstacle_resolve"),
    path("scorecard/", views_reports.scorecard_page, name="scorecard"),
    path("scorecard/<int:year>.<str:fmt>", views_reports.scorecard_export, name="scorecard_export"),
    path("scorecard/<int:year>/organisations/<int:pk>/", views_reports.scorecard_organisation,
         name="scorecard_organisation"),
    path("notifications/", views_reports.notifications, name="notifications"),
    path("notifications/read/", views_reports.notifications_read, name="notifications_read"),
    path("import/", views_reports.plan_import, name="import"),
]
