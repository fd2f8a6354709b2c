from django.urls import path

from shangliang.api import views

urlpatterns = [
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/units/", views.client_unit_search, name="client_unit_search"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/rotate/", views.client_rotate, name="client_rotate"),
    path("clients/<int:pk>/revoke/", views.client_revoke, name="client_revoke"),
    path("clients/<int:pk>/webhooks/", views.webhook_add, name="webhook_add"),
    path("webhooks/<int:pk>/end/", views.webhook_end, name="webhook_end"),
    path("deliveries/<int:pk>/replay/", views.webhook_replay, name="webhook_replay"),
]
