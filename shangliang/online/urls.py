from django.urls import path

from shangliang.online import public_views, views

app_name = "online"
urlpatterns = [
    # Inside the app: the convenor's and staff's pages.
    path("new/<int:consultation_pk>/", views.create, name="create"),
    path("<int:pk>/", views.manage, name="manage"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/seed/", views.seed, name="seed"),
    path("<int:pk>/statements/<int:statement_pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/statements/<int:statement_pk>/pull/", views.pull, name="pull"),
    path("<int:pk>/reanalyse/", views.reanalyse, name="reanalyse"),
    path("<int:pk>/export.zip", views.export, name="export"),
    path("<int:pk>/import/", views.import_view, name="import"),
    # Public, phone first: taking part and the results.
    path("r/<int:pk>/", public_views.room_page, name="room"),
    path("r/<int:pk>/card/", public_views.card, name="card"),
    path("r/<int:pk>/vote/", public_views.vote, name="vote"),
    path("r/<int:pk>/statements/", public_views.add_statement, name="add_statement"),
    path("r/<int:pk>/verify/", public_views.verify, name="verify"),
    path("r/<int:pk>/results/", public_views.results, name="results"),
]
