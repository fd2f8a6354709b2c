from django.urls import path

from shangliang.online.views import main

app_name = "online"
urlpatterns = [
    path("new/<int:consultation_pk>/", main.create, name="create"),
    path("<int:pk>/", main.manage, name="manage"),
    path("<int:pk>/edit/", main.edit, name="edit"),
    path("<int:pk>/transition/", main.transition, name="transition"),
    path("<int:pk>/seed/", main.seed, name="seed"),
    path("<int:pk>/statements/<int:statement_pk>/moderate/", main.moderate, name="moderate"),
    path("<int:pk>/statements/<int:statement_pk>/pull/", main.pull, name="pull"),
    path("<int:pk>/reanalyse/", main.reanalyse, name="reanalyse"),
    path("<int:pk>/export.zip", main.export, name="export"),
    path("<int:pk>/import/", main.import_view, name="import"),
]
