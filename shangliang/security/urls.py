from django.urls import path

from shangliang.security import admin_views, audit_views, views

app_name = "security"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/sms/", views.send_sms, name="send_sms"),
    path("enrol/", views.enrol, name="enrol"),
    path("password/", views.password_change, name="password_change"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("account/", views.account, name="account"),
    path("", admin_views.index, name="index"),
    path("policy/", admin_views.policy, name="policy"),
    path("administrators/", admin_views.administrators, name="administrators"),
    path("administrators/<int:pk>/end/", admin_views.administrator_end, name="administrator_end"),
    path("accounts/", admin_views.accounts, name="accounts"),
    path("accounts/<int:pk>/<slug:action>/", admin_views.account_action, name="account_action"),
    path("alerts/", admin_views.alerts, name="alerts"),
    path("outbox/", admin_views.outbox, name="outbox"),
    path("admin-actions/", admin_views.admin_actions, name="admin_actions"),
    path("audit/", audit_views.audit_search, name="audit"),
    path("audit/verify/", audit_views.audit_verify_now, name="audit_verify"),
    path("audit/export.csv", audit_views.audit_export, {"fmt": "csv"}, name="audit_export_csv"),
    path("audit/export.xlsx", audit_views.audit_export, {"fmt": "xlsx"}, name="audit_export_xlsx"),
]
