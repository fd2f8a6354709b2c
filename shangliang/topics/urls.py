from django.urls import path

from shangliang.topics.views import main

app_name = "topics"
urlpatterns = [
    path("", main.topic_list, name="list"),
    path("new/<str:source>/", main.enter, name="enter"),
    path("new/<str:source>/units/", main.unit_search, name="unit_search"),
    path("mine/", main.mine, name="mine"),
    path("units/", main.filter_units, name="filter_units"),
    path("similar/", main.similar, name="similar"),
    path("import/", main.import_sheet, name="import"),
    path("counties/<int:pk>/public/", main.publicity, name="publicity"),
    path("import/template.xlsx", main.import_template, name="import_template"),
    path("<int:pk>/", main.detail, name="detail"),
    path("<int:pk>/screen/", main.screen, name="screen"),
    path("<int:pk>/decide/", main.decide, name="decide"),
    path("<int:pk>/urgent/", main.urgent, name="urgent"),
    path("<int:pk>/resubmit/", main.resubmit, name="resubmit"),
    path("<int:pk>/photos/<int:photo>/", main.photo, name="photo"),
]
