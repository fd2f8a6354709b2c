from django.urls import path

from shangliang.topics import public_views, views

app_name = "topics"
urlpatterns = [
    # Inside the app.
    path("", views.topic_list, name="list"),
    path("new/<str:source>/", views.enter, name="enter"),
    path("similar/", views.similar, name="similar"),
    path("import/", views.import_sheet, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/urgent/", views.urgent, name="urgent"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:pk>/photos/<int:photo>/", views.photo, name="photo"),
    # Public, no account: the room's QR code opens `submit`.
    path("rooms/<int:pk>/", public_views.room_topics, name="room"),
    path("rooms/<int:pk>/new/", public_views.submit, name="submit"),
    path("rooms/<int:pk>/poster/", public_views.poster, name="poster"),
    path("rooms/<int:pk>/qr.png", public_views.qr_png, name="qr_png"),
    path("rooms/<int:pk>/qr.svg", public_views.qr_svg, name="qr_svg"),
    path("public/similar/", public_views.similar, name="public_similar"),
    path("public/<int:pk>/", public_views.public_topic, name="public_topic"),
    path("public/<int:pk>/support/", public_views.support, name="support"),
    path("thanks/<str:code>/", public_views.thanks, name="thanks"),
    path("track/", public_views.track_form, name="track_form"),
    path("track/<str:code>/", public_views.track, name="track"),
    path("track/<str:code>/resubmit/", public_views.track_resubmit, name="track_resubmit"),
    path("track/<str:code>/photos/<int:photo>/", public_views.track_photo, name="track_photo"),
]
