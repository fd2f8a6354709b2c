from django.urls import path

from shangliang.opinions import views

app_name = "opinions"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/units/", views.units, name="units"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/endorse/", views.endorse, name="endorse"),
    path("<int:pk>/hand/", views.hand, name="hand"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("units/<int:pk>/figures/", views.figures, name="figures"),
]
