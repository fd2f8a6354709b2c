from django.urls import path

from shangliang.accountability.views import mine, results, tasks

app_name = "accountability"
urlpatterns = [
    path("", tasks.index, name="index"),
    path("evaluations/", mine.evaluations, name="evaluations"),
    path("followed/", mine.followed, name="followed"),
    path("units/<int:pk>/", tasks.unit_list, name="unit"),
    path("units/<int:pk>/failures/", results.failures_page, name="failures"),
    path("units/<int:pk>/tasks.xlsx", results.unit_tasks_xlsx, name="unit_tasks_xlsx"),
    path("units/<int:pk>/effects.xlsx", results.unit_effects_xlsx, name="unit_effects_xlsx"),
    path("counties/<int:pk>/settings/", results.county_settings, name="settings"),
    path("consultations/<int:pk>/", results.consultation, name="consultation"),
    path("consultations/<int:pk>/assign/", results.assign, name="assign"),
    path("consultations/<int:pk>/assign/search/", results.assign_search, name="assign_search"),
    path("consultations/<int:pk>/evaluate/", results.evaluate, name="evaluate"),
    path("consultations/<int:pk>/tasks.xlsx", results.consultation_tasks_xlsx, name="consultation_tasks_xlsx"),
    path("consultations/<int:pk>/effects.xlsx", results.consultation_effects_xlsx, name="consultation_effects_xlsx"),
    path("consultations/<int:pk>/report.docx", results.loop_report, name="loop_report"),
    path("tasks/<int:pk>/", tasks.task, name="task"),
    path("tasks/<int:pk>/step/<str:action>/", tasks.step, name="step"),
    path("tasks/<int:pk>/progress/", tasks.progress, name="progress"),
    path("tasks/<int:pk>/complete/", tasks.complete, name="complete"),
    path("tasks/<int:pk>/extension/", tasks.extension, name="extension"),
    path("tasks/<int:pk>/extension/decide/", tasks.extension_decide, name="extension_decide"),
    path("tasks/<int:pk>/reassign/", tasks.reassign, name="reassign"),
    path("tasks/<int:pk>/reassign/search/", tasks.reassign_search, name="reassign_search"),
    path("tasks/<int:pk>/reopen/", tasks.reopen, name="reopen"),
    path("tasks/<int:pk>/remind/", tasks.remind, name="remind"),
    path("tasks/<int:pk>/notice/", tasks.notice, name="notice"),
    path("tasks/<int:pk>/supervisors/", tasks.supervisor, name="supervisor"),
    path("tasks/<int:pk>/supervisors/search/", tasks.supervisor_search, name="supervisor_search"),
    path("tasks/<int:pk>/comment/", tasks.comment, name="comment"),
    path("tasks/<int:pk>/follow-ups/<int:check_pk>/", tasks.follow_up, name="follow_up"),
    path("evidence/<int:pk>/", tasks.evidence, name="evidence"),
]
